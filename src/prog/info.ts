/**
 * `ProgramInfo`: what the kernel reports about a loaded program (BPF_OBJ_GET_INFO_BY_FD).
 *
 * @module
 */
import { addressOf, objGetInfoByFd, ProgInfo } from "../syscall/index.js";

/**
 * Metadata of a loaded program. Fields the running kernel does not report are 0 / `""`.
 *
 * @example
 * ```ts
 * const info = prog.info();
 * console.log(info.id, info.tag, info.name, info.verifiedInstructions, info.jitedSize);
 * ```
 */
export interface ProgramInfo {
  /** The program type (`ProgramType.*`). */
  readonly type: number;
  /** The kernel-wide program id (Linux 4.13). */
  readonly id: number;
  /** The SHA-1 based tag of the instructions as 16 hex digits, as `bpftool prog` prints it. */
  readonly tag: string;
  /** The object name (Linux 4.15). */
  readonly name: string;
  /** Instructions the verifier processed (Linux 5.16). */
  readonly verifiedInstructions: number;
  /** Size in bytes of the JIT-compiled image, 0 without the JIT (Linux 4.13). */
  readonly jitedSize: number;
  /** Size in bytes of the instructions after the verifier rewrote them (Linux 4.13). */
  readonly translatedSize: number;
  /** Load time in nanoseconds since boot (Linux 4.15). */
  readonly loadTime: bigint;
  /** The uid that loaded the program (Linux 4.15). */
  readonly createdByUid: number;
  /** Whether the license is GPL-compatible (Linux 4.18). */
  readonly gplCompatible: boolean;
  /** Ids of the maps the program uses (Linux 4.15). */
  readonly mapIds: readonly number[];
  /** Id of the program's BTF, 0 without (Linux 5.0). */
  readonly btfId: number;
  /** Run count while statistics were enabled (Linux 5.1). */
  readonly runCount: bigint;
  /** Total run time in nanoseconds while statistics were enabled (Linux 5.1). */
  readonly runTime: bigint;
  /** Times the program did not run because it was already running on the CPU (Linux 5.12). */
  readonly recursionMisses: bigint;
  /** BTF id of the attach target of a tracing, LSM or extension program (Linux 6.0). */
  readonly attachBtfId: number;
  /** Id of the BTF object `attachBtfId` belongs to: vmlinux, a module, a program (Linux 6.0). */
  readonly attachBtfObjId: number;
}

/**
 * Read a program's info from the kernel.
 *
 * @example
 * ```ts
 * const info = readProgramInfo(prog.fd);
 * ```
 */
export function readProgramInfo(fd: number): ProgramInfo {
  let buf: Uint8Array = new Uint8Array(ProgInfo.size);
  objGetInfoByFd(fd, buf);
  let view = new DataView(buf.buffer);
  const nrMapIds = ProgInfo.get(view, "nrMapIds");
  let mapIds: number[] = [];
  if (nrMapIds > 0) {
    // A second call with room for the ids; the kernel writes at most nrMapIds of them.
    const ids = new Uint32Array(nrMapIds);
    buf = ProgInfo.build({ nrMapIds, mapIds: addressOf(ids) });
    objGetInfoByFd(fd, buf);
    view = new DataView(buf.buffer);
    mapIds = Array.from(ids.subarray(0, Math.min(nrMapIds, ProgInfo.get(view, "nrMapIds"))));
  }
  const tagAt = ProgInfo.offsets.tag;
  const nameAt = ProgInfo.offsets.name;
  const nameBytes = buf.subarray(nameAt, nameAt + 16);
  const nameEnd = nameBytes.indexOf(0);
  return {
    type: ProgInfo.get(view, "type"),
    id: ProgInfo.get(view, "id"),
    tag: Array.from(buf.subarray(tagAt, tagAt + 8), (b) => b.toString(16).padStart(2, "0")).join(""),
    name: new TextDecoder().decode(nameEnd < 0 ? nameBytes : nameBytes.subarray(0, nameEnd)),
    verifiedInstructions: ProgInfo.get(view, "verifiedInsns"),
    jitedSize: ProgInfo.get(view, "jitedProgLen"),
    translatedSize: ProgInfo.get(view, "xlatedProgLen"),
    loadTime: ProgInfo.get64(view, "loadTime"),
    createdByUid: ProgInfo.get(view, "createdByUid"),
    gplCompatible: (ProgInfo.get(view, "gplCompatible") & 1) === 1,
    mapIds,
    btfId: ProgInfo.get(view, "btfId"),
    runCount: ProgInfo.get64(view, "runCnt"),
    runTime: ProgInfo.get64(view, "runTimeNs"),
    recursionMisses: ProgInfo.get64(view, "recursionMisses"),
    attachBtfId: ProgInfo.get(view, "attachBtfId"),
    attachBtfObjId: ProgInfo.get(view, "attachBtfObjId"),
  };
}

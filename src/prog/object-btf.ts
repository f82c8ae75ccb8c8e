/**
 * What a program loaded from an object carries besides its instructions: CO-RE relocations
 * applied against kernel BTF, and the object's BTF with func_info / line_info so verifier logs
 * and stack traces show source lines (func_info 5.0+, line_info 5.0+).
 *
 * @module
 */
import type { Instruction } from "../asm/index.js";
import {
  applyCOREFixups,
  coreRelocate,
  marshalSpec,
  type CORERelocation,
  type FuncInfo,
  type LineInfo,
  type Spec,
  type Type,
} from "../btf/index.js";
import { btfLoad, closeRaw, SyscallError } from "../syscall/index.js";

/** BTF-derived metadata of a program, with instruction offsets in 8-byte slots. */
export interface ProgramBTF {
  /** The object's BTF, loaded into the kernel with the program. */
  readonly spec: Spec;
  readonly funcInfos: readonly FuncInfo[];
  readonly lineInfos: readonly LineInfo[];
  readonly coreRelos: readonly CORERelocation[];
}

/**
 * Apply the program's CO-RE relocations against `kernelTypes` (the running kernel's BTF and its
 * modules when undefined). Unsatisfiable relocations are poisoned, as libbpf does.
 *
 * @example
 * ```ts
 * const insns = applyCORE(spec.instructions, spec.btf, undefined);
 * ```
 */
export function applyCORE(insns: readonly Instruction[], btf: ProgramBTF, kernelTypes: Spec | undefined): readonly Instruction[] {
  if (btf.coreRelos.length === 0) return insns;
  const fixups = coreRelocate(btf.coreRelos, btf.spec, kernelTypes ? [kernelTypes] : undefined);
  return applyCOREFixups(insns, fixups, { indexing: "slot" });
}

/**
 * BTF loaded into the kernel for programs (and maps): the types they name, with the strings of
 * their line info appended to the string table. Only what is used goes to the kernel, so
 * object-level data sections (`license`, `.ksyms` …) never reach the BTF verifier. A collection
 * loads one for all its maps and programs, as libbpf loads one per object.
 */
export interface LoadedBTF {
  readonly fd: number;
  /** Each type's id in the loaded BTF. */
  readonly typeIDs: ReadonlyMap<Type, number>;
  /** Each string's offset in the loaded string table. */
  readonly strings: ReadonlyMap<string, number>;
  close(): void;
}

/**
 * Marshal `types` (and everything they refer to) plus the strings of `lineInfos`, and load them
 * with BPF_BTF_LOAD. Returns undefined when there is nothing to load or the kernel refuses it
 * (no BTF support, kinds it does not know): programs and maps then load without BTF, as libbpf
 * does.
 *
 * @example
 * ```ts
 * const btf = loadBTF(spec.btf.funcInfos.map((f) => f.func), spec.btf.lineInfos);
 * btf?.close();
 * ```
 */
export function loadBTF(types: Iterable<Type>, lineInfos: Iterable<LineInfo>): LoadedBTF | undefined {
  const list = [...new Set(types)];
  if (list.length === 0) return undefined;
  const { bytes, typeIDs } = marshalSpec(list);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getUint16(0, true) === 0xeb9f;
  const hdrLen = view.getUint32(4, le);
  const strOff = view.getUint32(16, le);
  const strLen = view.getUint32(20, le);
  const strings = stringOffsets(bytes.subarray(hdrLen + strOff, hdrLen + strOff + strLen));
  const extra: Uint8Array[] = [];
  let next = strLen;
  const encoder = new TextEncoder();
  for (const l of lineInfos) {
    for (const str of [l.fileName, l.line]) {
      if (strings.has(str)) continue;
      const b = encoder.encode(`${str}\0`);
      strings.set(str, next);
      extra.push(b);
      next += b.length;
    }
  }
  let blob = bytes;
  if (extra.length > 0) {
    // The string section is last in marshalled BTF: grow it in place.
    blob = new Uint8Array(bytes.length + (next - strLen));
    blob.set(bytes);
    let at = bytes.length;
    for (const b of extra) {
      blob.set(b, at);
      at += b.length;
    }
    new DataView(blob.buffer).setUint32(20, next, le);
  }
  let fd: number;
  try {
    fd = btfLoad(blob);
  } catch (err) {
    if (err instanceof SyscallError) return undefined;
    throw err;
  }
  return { fd, typeIDs, strings, close: () => closeRaw(fd) };
}

// Offsets of every string in a BTF string table: line_info names its file and source line by
// offset into the table the kernel is given.
function stringOffsets(table: Uint8Array): Map<string, number> {
  const out = new Map<string, number>();
  const decoder = new TextDecoder();
  for (let start = 0; start < table.length; ) {
    let end = table.indexOf(0, start);
    if (end < 0) end = table.length;
    const s = decoder.decode(table.subarray(start, end));
    if (!out.has(s)) out.set(s, start);
    start = end + 1;
  }
  return out;
}

/** The BTF-related attributes of BPF_PROG_LOAD, and the BTF fd to close after loading. */
export interface ProgramBTFAttrs {
  readonly progBtfFd: number;
  readonly funcInfo: Uint8Array;
  readonly funcInfoCnt: number;
  readonly lineInfo: Uint8Array;
  readonly lineInfoCnt: number;
  close(): void;
}

/** sizeof(struct bpf_func_info). */
export const FUNC_INFO_SIZE = 8;
/** sizeof(struct bpf_line_info). */
export const LINE_INFO_SIZE = 16;

/**
 * Encode func_info and line_info for BPF_PROG_LOAD against `shared` BTF when it holds the
 * program's functions, else against BTF loaded for this program alone. Returns undefined when the
 * kernel refuses the BTF: the program then loads without it, as libbpf does.
 *
 * @example
 * ```ts
 * const attrs = programBTFAttrs(spec.btf);
 * attrs?.close();
 * ```
 */
export function programBTFAttrs(btf: ProgramBTF, shared?: LoadedBTF): ProgramBTFAttrs | undefined {
  if (btf.funcInfos.length === 0) return undefined;
  const usable = shared && btf.funcInfos.every((f) => shared.typeIDs.has(f.func));
  const m = usable ? shared : loadBTF(btf.funcInfos.map((f) => f.func), btf.lineInfos);
  if (!m) return undefined;
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const funcInfo = new Uint8Array(new ArrayBuffer(Math.max(1, btf.funcInfos.length * FUNC_INFO_SIZE)));
  const fv = new DataView(funcInfo.buffer);
  btf.funcInfos.forEach((f, i) => {
    fv.setUint32(i * FUNC_INFO_SIZE, f.insnOff, little);
    fv.setUint32(i * FUNC_INFO_SIZE + 4, m.typeIDs.get(f.func)!, little);
  });
  const lineInfo = new Uint8Array(new ArrayBuffer(Math.max(1, btf.lineInfos.length * LINE_INFO_SIZE)));
  const lv = new DataView(lineInfo.buffer);
  btf.lineInfos.forEach((l, i) => {
    const at = i * LINE_INFO_SIZE;
    lv.setUint32(at, l.insnOff, little);
    lv.setUint32(at + 4, m.strings.get(l.fileName) ?? 0, little);
    lv.setUint32(at + 8, m.strings.get(l.line) ?? 0, little);
    lv.setUint32(at + 12, (l.lineNumber << 10) | (l.column & 0x3ff), little);
  });
  return {
    progBtfFd: m.fd,
    funcInfo,
    funcInfoCnt: btf.funcInfos.length,
    lineInfo,
    lineInfoCnt: btf.lineInfos.length,
    // A shared BTF belongs to its loader (the collection); one loaded here is closed after use.
    close: () => {
      if (m !== shared) m.close();
    },
  };
}

/**
 * cgroup programs: a `bpf_link` on a cgroup v2 directory (Linux 5.7+), or BPF_PROG_ATTACH with
 * BPF_F_ALLOW_MULTI before that.
 *
 * @module
 */
import { closeSync, fstatSync, openSync } from "node:fs";
import { ArgumentError } from "../errors.js";
import { AttachType, attachTypeName, ProgramType } from "../prog/types.js";
import { dupFD } from "../syscall/dup.js";
import { BPF_F_REPLACE, Errno, FD, LinkCreateLayouts, linkCreate, progAttach, progDetach, SyscallError } from "../syscall/index.js";
import { RawLink, type Link } from "./link.js";
import { ProgAttachLink } from "./prog-attach.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";

/** `BPF_F_ALLOW_MULTI` (4.15+): several programs on one cgroup hook. */
const BPF_F_ALLOW_MULTI = 1 << 1;

/** Program types that attach to cgroups. */
const cgroupTypes = [
  ProgramType.CGroupSKB,
  ProgramType.CGroupSock,
  ProgramType.CGroupSockAddr,
  ProgramType.SockOps,
  ProgramType.CGroupDevice,
  ProgramType.CGroupSysctl,
  ProgramType.CGroupSockopt,
  ProgramType.LSM,
];

/**
 * Options of {@link attachCgroup}.
 *
 * @example
 * ```ts
 * const options: CgroupOptions = { path: "/sys/fs/cgroup/app", attachType: AttachType.AttachCGroupInetEgress, program };
 * ```
 */
export interface CgroupOptions {
  /** A cgroup v2 directory. */
  readonly path: string;
  /** The hook, e.g. `AttachType.AttachCGroupInetIngress`. */
  readonly attachType: AttachType;
  /** A cgroup program of the matching type. */
  readonly program: AttachableProgram;
  /**
   * `"link"` (5.7+), `"attach"` (BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI, 4.15+), or `"auto"`
   * (default): a link where the kernel has cgroup links.
   */
  readonly mode?: "auto" | "link" | "attach";
}

/** Whether BPF_LINK_CREATE works for cgroups; undefined until the first attach finds out. */
let cgroupLinks: boolean | undefined;

/**
 * Attach a program to a cgroup v2 hook: a `bpf_link` (Linux 5.7+: pinnable, updatable) or, on
 * older kernels or with `mode: "attach"`, BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI (4.15+), which
 * the returned object detaches on close.
 *
 * @example
 * ```ts
 * import { attachCgroup } from "ebpf/link";
 * import { AttachType } from "ebpf";
 * using link = attachCgroup({ path: "/sys/fs/cgroup/app", attachType: AttachType.AttachCGroupInetEgress, program });
 * ```
 */
export function attachCgroup(options: CgroupOptions): Link {
  const path = options?.path;
  const what = `cgroup ${attachTypeName(options?.attachType ?? -1)} on ${JSON.stringify(path)}`;
  const progFd = checkedProgramFd(options?.program, cgroupTypes, what);
  if (!Number.isInteger(options.attachType) || options.attachType < 0) throw new ArgumentError(`${what}: attachType is required`);
  const how = options.mode ?? "auto";
  if (how !== "auto" && how !== "link" && how !== "attach") throw new ArgumentError(`${what}: unknown mode ${String(how)}`);
  const cgroup = openCgroup(path, what);
  try {
    if (how === "link" || (how === "auto" && cgroupLinks !== false)) {
      try {
        const fd = linkCreate(LinkCreateLayouts.basic, {
          progFd,
          targetFd: cgroup.raw,
          attachType: options.attachType,
          flags: 0,
          targetBtfId: 0,
        });
        cgroupLinks = true;
        return new RawLink(fd, what);
      } catch (err) {
        // Before 5.7 BPF_LINK_CREATE does not exist: EINVAL.
        if (!(how === "auto" && cgroupLinks === undefined && err instanceof SyscallError && err.errno === Errno.EINVAL)) {
          throw err;
        }
        cgroupLinks = false;
      }
    }
    const prog = new FD(dupFD(progFd), `${what} program`);
    const target = new FD(dupFD(cgroup.raw), what);
    const attachType = options.attachType;
    try {
      progAttach({ targetFd: target.raw, attachBpfFd: prog.raw, attachType, attachFlags: BPF_F_ALLOW_MULTI, replaceBpfFd: 0, relativeFd: 0, expectedRevision: 0n });
    } catch (err) {
      prog.close();
      target.close();
      throw err;
    }
    return new ProgAttachLink(target, prog, what, {
      detach: (t, p) => progDetach({ targetFd: t, attachBpfFd: p, attachType, attachFlags: 0, replaceBpfFd: 0, relativeFd: 0, expectedRevision: 0n }),
      replace: (t, next, old) =>
        progAttach({ targetFd: t, attachBpfFd: next, attachType, attachFlags: BPF_F_ALLOW_MULTI | BPF_F_REPLACE, replaceBpfFd: old, relativeFd: 0, expectedRevision: 0n }),
    });
  } finally {
    cgroup.close();
  }
}

function openCgroup(path: unknown, what: string): { raw: number; close: () => void } {
  if (typeof path !== "string" || path === "") throw new ArgumentError(`${what}: path must be a cgroup v2 directory`);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw new ArgumentError(`${what}: cannot open cgroup: ${(err as Error).message}`, { cause: err });
  }
  if (!fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new ArgumentError(`${what}: ${path} is not a directory`);
  }
  return { raw: fd, close: () => closeSync(fd) };
}

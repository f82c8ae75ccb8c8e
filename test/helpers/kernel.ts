// Feature checks for integration tests that skip on kernels lacking a feature. Each answers with
// the skip reason (naming the feature and its minimum kernel) or undefined when the feature is
// there; they probe the kernel (a feature probe, or the kernel's own BTF), never its version string.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Kind, loadKernelModuleSpec, loadKernelSpec, type Spec } from "../../src/btf/index.js";
import * as asm from "../../src/asm/index.js";
import type { CollectionProgramSpec, CollectionSpec } from "../../src/index.js";
import { NotSupportedError } from "../../src/errors.js";
import { PermissionError } from "../../src/syscall/index.js";
import { haveMapType, haveProgramHelper, haveProgramType } from "../../src/features/index.js";
import { MapType } from "../../src/map/index.js";
import { AttachType, newProgram, ProgramType, VerifierError } from "../../src/prog/index.js";

/** `" (skipped: reason)"` for a test title, or nothing. */
export const why = (reason: string | undefined): string => (reason ? ` (skipped: ${reason})` : "");

/** `reason` when `probe` throws NotSupportedError, undefined when it passes. */
export function unless(probe: () => void, reason: string): string | undefined {
  try {
    probe();
    return undefined;
  } catch (err) {
    if (err instanceof NotSupportedError) return reason;
    throw err;
  }
}

/**
 * Why arena maps cannot be made here: missing before 6.9, or refused with EPERM by a host policy
 * (a root process with CAP_BPF gets EPERM from BPF_MAP_CREATE of type 33 on some CI hosts).
 */
export function unlessArena(): string | undefined {
  try {
    haveMapType(MapType.Arena);
    return undefined;
  } catch (err) {
    if (err instanceof NotSupportedError) return "arena maps need Linux 6.9";
    if (err instanceof PermissionError) return "arena maps: BPF_MAP_CREATE refused with EPERM by this host's policy";
    throw err;
  }
}

/** vmlinux BTF and the BTF of every loaded module. */
function kernelSpecs(): Spec[] {
  const specs = [loadKernelSpec()];
  let names: string[] = [];
  try {
    names = readdirSync("/sys/kernel/btf").filter((n) => n !== "vmlinux");
  } catch {
    // No module BTF (before 5.11): vmlinux alone.
  }
  for (const n of names) {
    try {
      specs.push(loadKernelModuleSpec(n));
    } catch {
      // A module without usable BTF holds no kfunc of ours.
    }
  }
  return specs;
}

/** `reason` unless vmlinux or a loaded module's BTF has a function named `name`. */
export function unlessKernelFunc(name: string, reason: string): string | undefined {
  for (const s of kernelSpecs()) {
    if (s.anyTypesByName(name).some((t) => t.kind === Kind.Func)) return undefined;
  }
  return reason;
}

/** `reason` unless the kernel's `struct name` has a member `member`. */
export function unlessKernelMember(struct: string, member: string, reason: string): string | undefined {
  const types = loadKernelSpec().anyTypesByName(struct) as unknown as { members?: { name: string }[] }[];
  return types.some((t) => t.members?.some((m) => m.name === member)) ? undefined : reason;
}

/** `reason` unless one of the kernel's enums has a value named `value` (e.g. BPF_PROG_TYPE_SYSCALL). */
export function unlessKernelEnumValue(enumName: string, value: string, reason: string): string | undefined {
  const types = loadKernelSpec().anyTypesByName(enumName) as unknown as { values?: { name: string }[] }[];
  return types.some((t) => t.values?.some((v) => v.name === value)) ? undefined : reason;
}

const ATOMIC_REASON = "BPF atomics beyond add (fetch, and, or, xor, xchg, cmpxchg) need Linux 5.12";
let atomicsMissing: string | undefined | null = null;

/** `reason` unless the verifier takes an atomic fetch-add: 5.10 says "BPF_STX uses reserved fields". */
function unlessAtomics(): string | undefined {
  if (atomicsMissing !== null) return atomicsMissing;
  try {
    newProgram({
      type: ProgramType.SocketFilter,
      license: "GPL",
      instructions: [
        asm.StoreImm(asm.R10, -8, 0, asm.DWord),
        asm.Mov.Imm(asm.R1, 1),
        asm.AtomicFetchAdd(asm.R10, -8, asm.R1, asm.DWord),
        asm.Mov.Imm(asm.R0, 0),
        asm.Return(),
      ],
    }).close();
    atomicsMissing = undefined;
  } catch (err) {
    if (!(err instanceof VerifierError)) throw err;
    atomicsMissing = ATOMIC_REASON;
  }
  return atomicsMissing;
}

/** A helper probe stands in for an unprobeable type where the kernel shares its helper table. */
function helperProbeType(p: CollectionProgramSpec): number | undefined {
  if (p.type === ProgramType.Tracing && p.attachType === AttachType.AttachTraceRawTp) return ProgramType.RawTracepoint;
  if ([ProgramType.Tracing, ProgramType.StructOps, ProgramType.Extension, ProgramType.LSM].includes(p.type as never)) return undefined;
  return p.type;
}

const BPF_F_XDP_HAS_FRAGS = 1 << 5;

/**
 * Why program `name` of `spec` cannot load on the running kernel, from probes of what it uses: its
 * program type, the xdp.frags flag, the map types it references, the helpers it calls, atomics
 * and kfuncs. Undefined when every probe passes.
 */
export function programMissing(spec: CollectionSpec, name: string): string | undefined {
  const p = spec.programs[name]!;
  const type = unless(() => haveProgramType(p.type), `program type ${p.type} missing`);
  if (type) return type;
  if (((p.flags ?? 0) & BPF_F_XDP_HAS_FRAGS) !== 0) {
    const frags = unlessKernelMember("bpf_prog_aux", "xdp_has_frags", "BPF_F_XDP_HAS_FRAGS needs Linux 5.18");
    if (frags) return frags;
  }
  const helperType = helperProbeType(p);
  // The ELF loader gives Instruction objects (raw bytes carry no references to probe).
  const insns = p.instructions instanceof Uint8Array ? [] : p.instructions;
  for (const insn of insns) {
    const ref = insn.reference;
    if (insn.isDWordLoad() && ref !== undefined && spec.maps[ref] !== undefined) {
      const map = spec.maps[ref];
      const missing = unless(() => haveMapType(map.type), `map ${ref}: map type ${map.type} missing`);
      if (missing) return missing;
    }
    if (insn.isBuiltinCall() && helperType !== undefined) {
      const id = Number(insn.constant);
      let missing: string | undefined;
      try {
        haveProgramHelper(helperType, id);
      } catch (err) {
        if (err instanceof NotSupportedError) missing = err.message;
      }
      if (missing) return missing;
    }
    if ((insn.opcode & 0x07) === 0x03 && (insn.opcode & 0xe0) === 0xc0 && insn.constant !== 0n) {
      const missing = unlessAtomics();
      if (missing) return missing;
    }
    if (insn.isKfuncCall() && ref !== undefined && !spec.externs[ref]?.weak) {
      const missing = unlessKernelFunc(ref, `kfunc ${ref} is not in this kernel's BTF (kfuncs need Linux 5.13+)`);
      if (missing) return missing;
    }
  }
  return undefined;
}

/** `reason` unless programs of `type` may call bpf_get_attach_cookie (5.15 for kprobes and tracepoints). */
export function unlessAttachCookie(type: number, reason: string): string | undefined {
  return unless(() => haveProgramHelper(type, asm.FnGetAttachCookie), reason);
}

/** `reason` unless `enum bpf_link_type` has `value` (e.g. BPF_LINK_TYPE_PERF_EVENT, 5.15). */
export function unlessLinkType(value: string, reason: string): string | undefined {
  return unlessKernelEnumValue("bpf_link_type", value, reason);
}

/** Why netkit devices cannot be made here (kernel without netkit, 6.7+), or undefined. */
export function netkitMissing(): string | undefined {
  const linkType = unlessLinkType("BPF_LINK_TYPE_NETKIT", "netkit links need Linux 6.7 (no BPF_LINK_TYPE_NETKIT in kernel BTF)");
  if (linkType) return linkType;
  spawnSync("modprobe", ["netkit"], { stdio: "ignore" });
  const name = `lkprobe${process.pid % 100000}`;
  const r = spawnSync("ip", ["link", "add", name, "type", "netkit"], { encoding: "utf8" });
  if (r.status !== 0) return `netkit: CONFIG_NETKIT missing (ip link add type netkit: ${(r.stderr ?? "").trim()})`;
  spawnSync("ip", ["link", "del", name], { stdio: "ignore" });
  return undefined;
}

/** Mount securityfs where it is not (bare VM guests) so /sys/kernel/security/lsm can be read. */
function activeLSMs(): string[] | undefined {
  const path = "/sys/kernel/security/lsm";
  if (!existsSync(path)) spawnSync("mount", ["-t", "securityfs", "securityfs", "/sys/kernel/security"], { stdio: "ignore" });
  try {
    return readFileSync(path, "utf8").trim().split(",");
  } catch {
    return undefined;
  }
}

/**
 * Why BPF LSM programs cannot take effect here, or undefined: they need CONFIG_BPF_LSM (5.7+) and
 * `bpf` among the active LSMs (CONFIG_LSM or the `lsm=` boot parameter).
 */
export function bpfLSMMissing(): string | undefined {
  const active = activeLSMs();
  if (active === undefined) return "BPF LSM: no securityfs to read the active LSMs from";
  if (!active.includes("bpf")) return `BPF LSM (5.7+): "bpf" is not an active LSM (${active.join(",")}); boot with lsm=…,bpf`;
  return undefined;
}

/**
 * `reason` unless `struct`/`union` `outer` of the kernel has, at any depth of its nested structs
 * and unions, a member `name` whose type has a member `member`: a UAPI field such as
 * `union bpf_attr`'s `link_create.tracing.cookie`, stable where kernel-internal structs move.
 */
export function unlessKernelNestedMember(outer: string, name: string, member: string, reason: string): string | undefined {
  type Aggregate = { members?: { name: string; type: unknown }[] };
  const seen = new Set<unknown>();
  const find = (t: Aggregate): boolean => {
    if (seen.has(t) || !Array.isArray(t.members)) return false;
    seen.add(t);
    return t.members.some((m) => {
      const inner = m.type as Aggregate;
      if (m.name === name && inner.members?.some((x) => x.name === member)) return true;
      return find(inner);
    });
  };
  const roots = loadKernelSpec().anyTypesByName(outer) as unknown as Aggregate[];
  return roots.some(find) ? undefined : reason;
}

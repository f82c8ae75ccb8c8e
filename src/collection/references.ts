/**
 * Resolve what a program's instructions refer to by name — maps, data sections, `.kconfig`,
 * kernel symbols and kfuncs — into the numbers the kernel wants, just before load. Labels of
 * functions stay for the assembler.
 *
 * @module
 */
import { PseudoCall, PseudoLoad, type Instruction } from "../asm/index.js";
import { Kind, type Spec as BTFSpec } from "../btf/index.js";
import { LoadError } from "../errors.js";
import { findKernelSymbol } from "../internal/kallsyms.js";
import type { ExternSpec } from "./spec.js";

/** The helper id a missing weak kfunc call becomes (cilium/ebpf's 0xdedc0de). */
export const MISSING_KFUNC_HELPER = 0xdedc0de;

/** What a program may refer to. */
export interface ReferenceTargets {
  /** Map fds by map name (`hash_map`, `.rodata` …). */
  readonly maps: ReadonlyMap<string, { readonly fd: number }>;
  readonly externs: Readonly<Record<string, ExternSpec>>;
  /** Kernel BTF, loaded on first need. */
  readonly kernelTypes: () => BTFSpec;
  /**
   * Kernel module BTF to search for kfuncs vmlinux lacks, by module name (undefined when the
   * caller gave its own kernel types).
   */
  readonly moduleTypes?: (() => ReadonlyMap<string, BTFSpec>) | undefined;
  /** The `fd_array` slot (1-based) holding the named module's BTF fd for this program. */
  readonly moduleSlot?: ((module: string) => number) | undefined;
  /** An fd of the named module's BTF, open until the program is loaded (typed ksyms of modules). */
  readonly moduleFd?: ((module: string) => number) | undefined;
}

/**
 * A copy of `insns` with map, extern and kernel-symbol references resolved. Function labels
 * (calls, function pointers) are kept; anything else unresolved is a {@link LoadError}.
 *
 * @example
 * ```ts
 * const ready = resolveReferences("xdp_prog", spec.instructions, { maps, externs, kernelTypes });
 * ```
 */
export function resolveReferences(
  program: string,
  insns: readonly Instruction[],
  targets: ReferenceTargets,
): Instruction[] {
  const functions = new Set(insns.filter((i) => i.symbol !== undefined).map((i) => i.symbol!));
  return insns.map((insn, index) => {
    const ref = insn.reference;
    if (ref === undefined) return insn;
    if ((insn.isFunctionCall() || insn.isLoadOfFunctionPointer()) && functions.has(ref)) return insn;
    try {
      return resolve(insn, ref, targets, functions);
    } catch (err) {
      if (err instanceof LoadError) throw new LoadError(`program ${program}, instruction ${index}: ${err.message}`, { cause: err });
      throw err;
    }
  });
}

function resolve(insn: Instruction, ref: string, targets: ReferenceTargets, functions: ReadonlySet<string>): Instruction {
  if (insn.isDWordLoad() && (insn.src === PseudoLoad.MapFD || insn.src === PseudoLoad.MapValue)) {
    const map = targets.maps.get(ref);
    if (!map) throw new LoadError(`unsatisfied map reference ${JSON.stringify(ref)}`);
    // lddw keeps the fd in the low 32 bits and, for map values, the offset in the high 32.
    const high = BigInt.asUintN(64, insn.constant) >> 32n;
    return insn.with({ constant: BigInt.asIntN(64, (high << 32n) | BigInt(map.fd)), reference: undefined });
  }
  const ext = targets.externs[ref];
  if (ext?.kind === "ksym" && insn.isDWordLoad()) return resolveKsym(insn, ext, targets);
  if (ext?.kind === "kfunc" && insn.isKfuncCall()) return resolveKfunc(insn, ext, targets);
  if (ext?.kind === "kfunc" && insn.isDWordLoad()) {
    // `bpf_ksym_exists(kfunc)`: any non-zero constant when the kernel has it (its BTF id), else 0.
    const found = kfuncID(ext, targets);
    if (found === undefined && !ext.weak) throw new LoadError(`kfunc ${ext.name}: not found in the BTF of the kernel or its loaded modules`);
    return insn.with({ src: 0, constant: BigInt(found?.id ?? 0), reference: undefined });
  }
  if (insn.isFunctionCall() || insn.isLoadOfFunctionPointer()) {
    if (!functions.has(ref)) throw new LoadError(`unsatisfied program reference ${JSON.stringify(ref)}`);
    return insn;
  }
  // A plain lddw of a symbol nobody defines (inline asm: `r1 = MY_CONST ll`) keeps the constant
  // the caller put there, as cilium/ebpf does.
  if (insn.isDWordLoad() && insn.src === 0 && ext === undefined) return insn.with({ reference: undefined });
  throw new LoadError(`unresolved symbol ${JSON.stringify(ref)}`);
}

function resolveKsym(insn: Instruction, ext: ExternSpec, targets: ReferenceTargets): Instruction {
  if (!ext.type) {
    // Untyped: the address from kallsyms as a plain constant.
    const sym = findKernelSymbol(ext.name);
    if (!sym) {
      if (ext.weak) return insn.with({ src: 0, constant: 0n, reference: undefined });
      throw new LoadError(`kernel symbol ${ext.name} not found in /proc/kallsyms`);
    }
    return insn.with({ src: 0, constant: BigInt.asIntN(64, sym.address), reference: undefined });
  }
  // Typed: the VAR's id in kernel BTF; the verifier resolves the address. A variable of a module
  // (Linux 5.11+) also names the module's BTF by fd, in the second half of the lddw.
  const found = kernelBTFID(ext, targets, Kind.Var);
  if (found === undefined) {
    if (ext.weak) return insn.with({ src: 0, constant: 0n, reference: undefined });
    throw new LoadError(`typed ksym ${ext.name}: not found in kernel BTF or the BTF of its loaded modules`);
  }
  let fd = 0;
  if (found.module !== undefined) {
    if (targets.moduleFd === undefined) throw new LoadError(`typed ksym ${ext.name}: in module ${found.module}, whose BTF cannot be passed`);
    fd = targets.moduleFd(found.module);
  }
  return insn.with({ src: PseudoLoad.BTFID, constant: (BigInt(fd) << 32n) | BigInt(found.id), reference: undefined });
}

/** The kfunc's BTF id, and the module whose BTF holds it (undefined for vmlinux). */
function kfuncID(ext: ExternSpec, targets: ReferenceTargets): { id: number; module?: string } | undefined {
  return kernelBTFID(ext, targets, Kind.Func);
}

/**
 * The id of the `kind` type named like `ext` in vmlinux's BTF or, when vmlinux lacks it, in a
 * loaded module's (module kfuncs 5.18+, module variables 5.11+), with the module's name.
 */
function kernelBTFID(ext: ExternSpec, targets: ReferenceTargets, kind: Kind): { id: number; module?: string } | undefined {
  const kernel = targets.kernelTypes();
  const id = kernel.typeIDsByName(ext.name).find((i) => kernel.kindOf(i) === kind);
  if (id !== undefined) return { id };
  // A module's split BTF continues vmlinux's ids: its own types are those from vmlinux's next id.
  for (const [module, spec] of targets.moduleTypes?.() ?? []) {
    const own = spec.typeIDsByName(ext.name).find((i) => i >= kernel.nextId && spec.kindOf(i) === kind);
    if (own !== undefined) return { id: own, module };
  }
  return undefined;
}

function resolveKfunc(insn: Instruction, ext: ExternSpec, targets: ReferenceTargets): Instruction {
  const found = kfuncID(ext, targets);
  if (found === undefined) {
    // A weak kfunc the kernel lacks becomes a call to a helper that does not exist: the verifier
    // rejects it only if it is reachable (bpf_ksym_exists() guards make it dead code), on every
    // kernel, as cilium/ebpf does.
    if (ext.weak) return insn.with({ src: PseudoCall.Helper, constant: MISSING_KFUNC_HELPER, reference: undefined });
    throw new LoadError(`kfunc ${ext.name}: not found in the BTF of the kernel or its loaded modules`);
  }
  // A module kfunc names its BTF by a slot of the program's fd_array.
  const slot = found.module === undefined ? 0 : (targets.moduleSlot?.(found.module) ?? 0);
  return insn.with({ constant: found.id, offset: slot, reference: undefined });
}

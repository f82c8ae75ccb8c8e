/**
 * `coreRelocate`: compute the fixup of every CO-RE relocation of an object against target BTF,
 * with libbpf's candidate search, ambiguity checks and poisoning.
 *
 * @module
 */

import { readdirSync } from "node:fs";
import { BTFError } from "../../errors.js";
import { COREKind } from "../core-kind.js";
import type { CORERelocation } from "../ext.js";
import type { ByteOrder } from "../header.js";
import { defaultKernelSpecCache, type KernelSpecCache } from "../kernel.js";
import type { Spec } from "../spec.js";
import type { Type } from "../types.js";
import { parseLocalAccessSpec, type COREAccessSpec } from "./access.js";
import { calcRelocation, type CORERelocationResult } from "./calc.js";
import { matchCandidate } from "./candidate-match.js";
import { findCandidatesIn, splitTargets, type CORECandidate } from "./candidates.js";
import { COREError } from "./error.js";
import type { COREFixup } from "./fixup.js";

/**
 * Options of {@link coreRelocate}.
 *
 * @example
 * ```ts
 * import type { CORERelocateOptions } from "ebpf/btf";
 * const opts: CORERelocateOptions = { byteOrder: "little", resolveLocalTypeID: (t) => myBTF.typeID(t) };
 * ```
 */
export interface CORERelocateOptions {
  /** Byte order of the program, for bitfield left shifts; the local spec's by default. */
  byteOrder?: ByteOrder;
  /**
   * The id a local type has in the BTF loaded with the program (`bpf_core_type_id_local`). By
   * default the id in the local spec, right for a loader that uploads the object's `.BTF`.
   */
  resolveLocalTypeID?: (type: Type) => number;
  /** Where the running kernel's BTF comes from when no targets are given. */
  kernelCache?: KernelSpecCache;
}

interface TargetSet {
  main: readonly Spec[];
  modules: () => readonly Spec[];
}

/**
 * Compute one {@link COREFixup} per relocation, in the order of `relos`.
 *
 * Candidates for a local type are the target types of the same essential name (`foo___v2`
 * counts as `foo`) and kind. `targets` defaults to the running kernel: vmlinux, and the BTF of
 * loaded modules only for types vmlinux has no candidate for (Linux 5.11), as libbpf does. A
 * target that is split BTF over another target is treated as a module in the same way; other
 * targets are searched together (an extra target beside vmlinux adds candidates).
 *
 * As in libbpf, each relocation is matched against every remaining candidate of its type;
 * candidates that match must agree on the value (else a {@link COREError} for ambiguity) and
 * become the only candidates for later relocations of the same type. When none matches,
 * existence checks give 0, type-based relocations give 0 and all others are poisoned: the
 * instruction becomes an invalid helper call that fails verification only if it is reachable.
 *
 * @throws {COREError} naming the relocation (kind, local type, access string, instruction) for
 *   a malformed access string, an anonymous local type, or ambiguous candidates.
 * @throws {NotSupportedError} when targets default to the kernel and it has no BTF (Linux 5.4).
 * @example
 * ```ts
 * import { ElfFile } from "ebpf";
 * import { coreRelocate, applyCOREFixups, loadExtInfosFromBuffer, loadSpecFromBuffer } from "ebpf/btf";
 * import * as asm from "ebpf/asm";
 * import { readFileSync } from "node:fs";
 * const elf = ElfFile.parse(readFileSync("prog.o"));
 * const local = loadSpecFromBuffer(elf.section(".BTF")!.data());
 * const ext = loadExtInfosFromBuffer(elf.section(".BTF.ext")!.data(), elf.byteOrder, local);
 * const relos = ext.coreRelos.get("kprobe/do_sys_open") ?? [];
 * const fixups = coreRelocate(relos, local); // against the running kernel
 * const insns = asm.unmarshalInstructions(elf.section("kprobe/do_sys_open")!.data(), elf.byteOrder);
 * const patched = applyCOREFixups(insns, fixups);
 * ```
 */
export function coreRelocate(
  relos: readonly CORERelocation[],
  local: Spec,
  targets?: readonly Spec[],
  options: CORERelocateOptions = {},
): COREFixup[] {
  const byteOrder = options.byteOrder ?? local.byteOrder;
  let set: TargetSet | undefined;
  const targetSet = (): TargetSet => {
    set ??=
      targets === undefined ? kernelTargets(options.kernelCache ?? defaultKernelSpecCache) : givenTargets(targets);
    for (const t of set.main) {
      if (t.byteOrder !== byteOrder) {
        throw new BTFError(`cannot relocate a ${byteOrder}-endian program against ${t.byteOrder}-endian BTF`);
      }
    }
    return set;
  };
  const candidates = new Map<Type, CORECandidate[]>();
  return relos.map((relo) => {
    try {
      return relocateOne(relo, local, byteOrder, candidates, targetSet, options);
    } catch (err) {
      if (err instanceof COREError || !(err instanceof BTFError)) throw err;
      throw new COREError(relo, err.message, { cause: err });
    }
  });
}

function givenTargets(targets: readonly Spec[]): TargetSet {
  const { main, modules } = splitTargets(targets);
  return { main, modules: () => modules };
}

function kernelTargets(cache: KernelSpecCache): TargetSet {
  const vmlinux = cache.kernel();
  let modules: Spec[] | undefined;
  return {
    main: [vmlinux],
    modules: () => {
      modules ??= readdirSync(cache.dir)
        .filter((name) => name !== "vmlinux")
        .sort()
        .map((name) => cache.module(name));
      return modules;
    },
  };
}

function relocateOne(
  relo: CORERelocation,
  local: Spec,
  byteOrder: ByteOrder,
  cache: Map<Type, CORECandidate[]>,
  targetSet: () => TargetSet,
  options: CORERelocateOptions,
): COREFixup {
  const localSpec = parseLocalAccessSpec(local, relo);
  if (relo.kind === COREKind.TypeIDLocal) {
    const id = BigInt(options.resolveLocalTypeID?.(relo.type) ?? relo.typeID);
    return fixup(relo, { ...EMPTY, local: id, target: id, validate: false });
  }
  if (relo.type.name === "") throw new COREError(relo, "relocations against anonymous types are not supported");

  let cands = cache.get(relo.type);
  if (cands === undefined) {
    const { main, modules } = targetSet();
    cands = findCandidatesIn(relo.type, main, modules);
    cache.set(relo.type, cands);
  }

  let best: { res: CORERelocationResult; spec: COREAccessSpec; cand: CORECandidate } | undefined;
  const matched: CORECandidate[] = [];
  for (const cand of cands) {
    const spec = matchCandidate(localSpec, cand.btf, cand.id);
    if (spec === undefined) continue;
    const res = calcRelocation(localSpec, spec, byteOrder);
    if (best === undefined) {
      best = { res, spec, cand };
    } else if (spec.bitOffset !== best.spec.bitOffset) {
      const [was, now] = [best.spec.bitOffset / 8, spec.bitOffset / 8];
      throw new COREError(
        relo,
        `ambiguous relocation: field offset ${was} in ${where(best.cand)} but ${now} in ${where(cand)}`,
      );
    } else if (res.poison !== best.res.poison || res.target !== best.res.target) {
      throw new COREError(
        relo,
        `ambiguous relocation: ${outcome(best.res)} for ${where(best.cand)} but ${outcome(res)} for ${where(cand)}`,
      );
    }
    matched.push(cand);
  }
  // Later relocations of the same type only consider the candidates that matched this one.
  if (matched.length > 0) cache.set(relo.type, matched);

  if (best === undefined) return fixup(relo, calcRelocation(localSpec, undefined, byteOrder));
  return fixup(relo, best.res, best.cand.btf, best.spec.root);
}

const EMPTY: CORERelocationResult = {
  local: 0n,
  target: 0n,
  poison: false,
  validate: true,
  localSize: 0,
  targetSize: 0,
  memSizeMismatch: false,
};

function fixup(relo: CORERelocation, res: CORERelocationResult, targetSpec?: Spec, targetType?: Type): COREFixup {
  return { relocation: relo, kind: relo.kind, ...res, targetSpec, targetType };
}

function where(c: CORECandidate): string {
  const t = c.btf.typeByID(c.id);
  return `candidate ${t.name} [${c.id}]`;
}

function outcome(r: CORERelocationResult): string {
  return r.poison ? "failure" : `value ${r.target}`;
}

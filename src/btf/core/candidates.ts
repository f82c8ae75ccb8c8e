/**
 * Target candidates of a local type: the target types with the same essential name (the name
 * without a `___flavour` suffix) and a compatible kind, looked up once per name and spec.
 *
 * @module
 */

import { Kind } from "../kind.js";
import { typeIDsNamed } from "../name-scan.js";
import { essentialName } from "../names.js";
import type { Spec } from "../spec.js";
import type { Type } from "../types.js";

/**
 * A target type that may stand for a local type: its spec and its id there.
 *
 * @example
 * ```ts
 * import type { CORECandidate } from "ebpf/btf";
 * const show = (c: CORECandidate) => `${c.btf.typeByID(c.id).name} [${c.id}]`;
 * ```
 */
export interface CORECandidate {
  readonly btf: Spec;
  readonly id: number;
}

/** Essential name -> ids of the spec's own types (not its base's), filled one name at a time. */
const found = new WeakMap<Spec, Map<string, readonly number[]>>();

/**
 * The ids of `spec`'s own types (a split spec's, not its base's) whose essential name is
 * `name`, in id order. Each name is looked up once per spec (a scan of the type section that
 * compares string bytes) and remembered while the spec lives: a load asks for a few names, and
 * indexing every name of vmlinux would cost more than the rest of the load.
 *
 * @example
 * ```ts
 * import { idsByEssentialName, loadKernelSpec } from "ebpf/btf";
 * idsByEssentialName(loadKernelSpec(), "task_struct"); // e.g. [151]
 * ```
 */
export function idsByEssentialName(spec: Spec, name: string): readonly number[] {
  let byName = found.get(spec);
  if (byName === undefined) {
    byName = new Map();
    found.set(spec, byName);
  }
  let ids = byName.get(name);
  if (ids === undefined) {
    ids = typeIDsNamed(spec.raw, name, true);
    byName.set(name, ids);
  }
  return ids;
}

function isEnumKind(kind: Kind): boolean {
  return kind === Kind.Enum || kind === Kind.Enum64;
}

/**
 * Candidates for `local` among `targets`, in target order then id order. As libbpf does for
 * vmlinux and its modules, a target that is split BTF over another target (a kernel module)
 * is searched only when the other targets have no candidate; any other targets are searched
 * together, so an extra target can add candidates next to vmlinux. A split target whose base
 * is not itself a target is searched together with its base.
 *
 * @example
 * ```ts
 * import { findCandidates, loadKernelSpec } from "ebpf/btf";
 * const cands = findCandidates(localTaskStruct, [loadKernelSpec()]);
 * ```
 */
export function findCandidates(local: Type, targets: readonly Spec[]): CORECandidate[] {
  const { main, modules } = splitTargets(targets);
  return findCandidatesIn(local, main, () => modules);
}

/**
 * The targets searched first (`main`) and those searched only when `main` has no candidate
 * (`modules`: split BTF over another target), as {@link findCandidates} describes.
 *
 * @example
 * ```ts
 * import { loadKernelSpec, loadKernelModuleSpec } from "ebpf/btf";
 * import { splitTargets } from "./candidates.js";
 * const { main, modules } = splitTargets([loadKernelSpec(), loadKernelModuleSpec("nf_tables")]);
 * ```
 */
export function splitTargets(targets: readonly Spec[]): { main: Spec[]; modules: Spec[] } {
  const inList = new Set(targets);
  const main: Spec[] = [];
  const modules: Spec[] = [];
  for (const target of targets) {
    if (target.base !== undefined && hasAncestor(target, inList)) {
      modules.push(target);
      continue;
    }
    // A split spec given alone answers for its base too, which comes first (in id order).
    const chain: Spec[] = [];
    for (let s: Spec | undefined = target; s !== undefined; s = s.base) chain.unshift(s);
    for (const s of chain) if (!main.includes(s)) main.push(s);
  }
  return { main, modules };
}

/**
 * Candidates for `local` in `main`, or, only when there are none, in `modules()` (called
 * lazily, so module BTF is read only when needed).
 *
 * @example
 * ```ts
 * import { loadKernelSpec } from "ebpf/btf";
 * import { findCandidatesIn } from "./candidates.js";
 * const cands = findCandidatesIn(localType, [loadKernelSpec()], () => []);
 * ```
 */
export function findCandidatesIn(local: Type, main: readonly Spec[], modules: () => readonly Spec[]): CORECandidate[] {
  const name = essentialName(local.name);
  const found = collect(local.kind, name, main);
  return found.length > 0 ? found : collect(local.kind, name, modules());
}

function hasAncestor(spec: Spec, set: ReadonlySet<Spec>): boolean {
  for (let s = spec.base; s !== undefined; s = s.base) if (set.has(s)) return true;
  return false;
}

function collect(kind: Kind, name: string, specs: readonly Spec[]): CORECandidate[] {
  const out: CORECandidate[] = [];
  for (const btf of specs) {
    for (const id of idsByEssentialName(btf, name)) {
      const k = btf.kindOf(id);
      if (k === kind || (isEnumKind(k) && isEnumKind(kind))) out.push({ btf, id });
    }
  }
  return out;
}

/**
 * Extern symbols of an object, from its BTF: `.kconfig` variables, `.ksyms` variables and
 * kfunc declarations.
 *
 * @module
 */
import { Kind, VarLinkage, typeAlign, typeSize, underlyingType, type Datasec, type Spec, type Type } from "../../btf/index.js";
import type { ExternSpec } from "../../collection/spec.js";
import { LoadError } from "../../errors.js";

/** The `.kconfig` layout: each extern at an aligned offset, as libbpf lays it out. */
export interface KconfigLayout {
  readonly size: number;
  readonly datasec: Datasec;
}

/**
 * Collect the externs of `.kconfig` and `.ksyms`. `weak` tells which names are weak ELF symbols.
 *
 * @example
 * ```ts
 * const { externs } = collectExterns(btfSpec, new Set(["bpf_weak_kfunc"]));
 * ```
 */
export function collectExterns(
  spec: Spec | undefined,
  weak: ReadonlySet<string>,
): { externs: Record<string, ExternSpec>; kconfig: KconfigLayout | undefined } {
  const externs: Record<string, ExternSpec> = {};
  if (!spec) return { externs, kconfig: undefined };
  let kconfig: KconfigLayout | undefined;
  for (const ds of datasecs(spec)) {
    if (ds.name === ".kconfig") {
      let offset = 0;
      for (const vsi of ds.vars) {
        const v = vsi.type;
        if (v.kind !== Kind.Var) throw new LoadError(`.kconfig: entry of kind ${v.kind} is not a variable`);
        const size = typeSize(v.type);
        offset = alignUp(offset, Math.max(1, typeAlign(v.type)));
        vsi.offset = offset;
        vsi.size = size;
        // The kernel's BTF verifier refuses extern linkage in a data section.
        v.linkage = VarLinkage.Global;
        externs[v.name] = { name: v.name, kind: "kconfig", weak: weak.has(v.name), type: v, offset };
        offset += size;
      }
      ds.size = alignUp(offset, 8);
      kconfig = { size: ds.size, datasec: ds };
    } else if (ds.name === ".ksyms") {
      for (const vsi of ds.vars) {
        const t = vsi.type;
        if (t.kind === Kind.Func) {
          externs[t.name] = { name: t.name, kind: "kfunc", weak: weak.has(t.name), type: t };
        } else if (t.kind === Kind.Var) {
          const typed = underlyingType(t.type).kind !== Kind.Void;
          externs[t.name] = { name: t.name, kind: "ksym", weak: weak.has(t.name), type: typed ? t : undefined };
        }
      }
    }
  }
  return { externs, kconfig };
}

function* datasecs(spec: Spec): Generator<Datasec> {
  for (const name of [".kconfig", ".ksyms"]) {
    for (const t of spec.anyTypesByName(name) as Type[]) {
      if (t.kind === Kind.Datasec) yield t;
    }
  }
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * Sizes and variable offsets of the object's BTF data sections, which clang leaves at 0: the ELF
 * section header and symbol table hold the real values, as libbpf's `btf_fixup_datasec` knows.
 *
 * @module
 */
import { Kind, type Datasec, type Spec } from "../../btf/index.js";
import { LoadError } from "../../errors.js";
import type { ElfFile } from "../file.js";

/**
 * Fill in size and variable offsets of every DATASEC of `spec` named after a section of `file`
 * (`.maps`, `license`, `.data*` …). Extern sections (`.kconfig`, `.ksyms`) have no ELF section;
 * their layout comes from the externs.
 *
 * @throws {LoadError} when a variable of a section has no symbol in it.
 * @example
 * ```ts
 * fixupDatasecs(file, btfSpec);
 * ```
 */
export function fixupDatasecs(file: ElfFile, spec: Spec): void {
  const { firstId, count } = spec.raw;
  for (let i = 0; i < count; i++) {
    if (spec.kindOf(firstId + i) !== Kind.Datasec) continue;
    const ds = spec.typeByID(firstId + i) as Datasec;
    const section = file.section(ds.name);
    if (section === undefined) continue;
    ds.size = section.size;
    const offsets = new Map<string, number>();
    for (const s of file.symbols) if (s.sectionIndex === section.index) offsets.set(s.name, Number(s.value));
    for (const vsi of ds.vars) {
      if (vsi.type.kind !== Kind.Var) continue;
      const off = offsets.get(vsi.type.name);
      if (off === undefined) throw new LoadError(`${section.name}: variable ${vsi.type.name} has no symbol`);
      vsi.offset = off;
    }
  }
}

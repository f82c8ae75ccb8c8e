/**
 * Matching a local access spec against one target candidate (libbpf's `bpf_core_spec_match`).
 *
 * @module
 */

import { BTFError } from "../../errors.js";
import { COREKind, isFieldRelocation } from "../core-kind.js";
import { Kind } from "../kind.js";
import { essentialName } from "../names.js";
import { typeSize, underlyingType } from "../size.js";
import type { Spec } from "../spec.js";
import type { Type } from "../types.js";
import {
  CORE_SPEC_MAX_LEN,
  describeType,
  isAnyEnum,
  isComposite,
  isEnumRelocation,
  isFlexArray,
  isTypeRelocation,
  type COREAccessor,
  type COREAccessSpec,
} from "./access.js";
import { fieldsAreCompatible, typesAreCompatible } from "./compat.js";
import { typesMatch } from "./match.js";

/**
 * Follow `local`'s access path through candidate `targetID` of `btf`. Returns the target's
 * access spec, or undefined when the candidate does not have the accessed field, enum value or
 * a compatible type.
 *
 * @throws {BTFError} for malformed target BTF (a field without a size, nesting beyond 64).
 * @example
 * ```ts
 * import { loadKernelSpec } from "ebpf/btf";
 * import { parseLocalAccessSpec } from "./access.js";
 * import { matchCandidate } from "./candidate-match.js";
 * const vmlinux = loadKernelSpec();
 * const target = matchCandidate(parseLocalAccessSpec(local, relo), vmlinux, candidateID);
 * if (target) console.log(target.bitOffset / 8);
 * ```
 */
export function matchCandidate(local: COREAccessSpec, btf: Spec, targetID: number): COREAccessSpec | undefined {
  const root = btf.typeByID(targetID);
  const spec: COREAccessSpec = { btf, root, rootID: targetID, kind: local.kind, accessors: [], raw: [], bitOffset: 0 };

  if (isTypeRelocation(local.kind)) {
    const ok =
      local.kind === COREKind.TypeMatches ? typesMatch(local.root, root) : typesAreCompatible(local.root, root);
    return ok ? spec : undefined;
  }

  if (isEnumRelocation(local.kind)) {
    const t = underlyingType(root);
    if (!isAnyEnum(t)) return undefined;
    const want = essentialName(local.accessors[0]!.name!);
    const idx = t.values.findIndex((v) => essentialName(v.name) === want);
    if (idx < 0) return undefined;
    spec.accessors.push({ type: t, idx, name: t.values[idx]!.name });
    spec.raw.push(idx);
    return spec;
  }

  if (!isFieldRelocation(local.kind)) throw new BTFError(`unknown relocation kind ${local.kind}`);

  let cur: Type = root;
  for (let i = 0; i < local.accessors.length; i++) {
    const acc = local.accessors[i]!;
    cur = underlyingType(cur);
    if (acc.name !== undefined) {
      const next = matchMember(local, acc, cur, spec);
      if (next === undefined) return undefined;
      cur = next;
      continue;
    }
    if (i > 0) {
      if (cur.kind !== Kind.Array) return undefined;
      const flex = isFlexArray(spec.accessors[spec.accessors.length - 1], cur);
      if (!flex && acc.idx >= cur.nelems) return undefined;
      cur = underlyingType(cur.type);
    }
    if (spec.raw.length === CORE_SPEC_MAX_LEN) throw tooDeep();
    spec.accessors.push({ type: cur, idx: acc.idx, name: undefined });
    spec.raw.push(acc.idx);
    spec.bitOffset += acc.idx * typeSize(cur) * 8;
  }
  return spec;
}

/**
 * Find the field named like local accessor `acc` in composite `target`, descending into
 * anonymous members. Extends `spec` and returns the field's type, or undefined.
 */
function matchMember(local: COREAccessSpec, acc: COREAccessor, target: Type, spec: COREAccessSpec): Type | undefined {
  const t = underlyingType(target);
  if (!isComposite(t)) return undefined;
  const localParent = acc.type;
  if (!isComposite(localParent)) throw new BTFError(`field accessor on ${describeType(localParent)}`);
  const localMember = localParent.members[acc.idx]!;
  for (let i = 0; i < t.members.length; i++) {
    const m = t.members[i]!;
    if (spec.raw.length === CORE_SPEC_MAX_LEN) throw tooDeep();
    spec.bitOffset += m.bitOffset;
    spec.raw.push(i);
    if (m.name === "") {
      const found = matchMember(local, acc, m.type, spec);
      if (found !== undefined) return found;
    } else if (m.name === acc.name) {
      if (!fieldsAreCompatible(localMember.type, m.type)) {
        spec.bitOffset -= m.bitOffset;
        spec.raw.pop();
        return undefined;
      }
      spec.accessors.push({ type: t, idx: i, name: m.name });
      return m.type;
    }
    spec.bitOffset -= m.bitOffset;
    spec.raw.pop();
  }
  return undefined;
}

function tooDeep(): BTFError {
  return new BTFError(`target access path longer than ${CORE_SPEC_MAX_LEN}`);
}

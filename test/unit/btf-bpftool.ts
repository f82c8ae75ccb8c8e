/**
 * Test helper: the types of a BTF file as `bpftool btf dump -j` prints them, and our types in the
 * same shape, so specs can be compared with an independent parser (libbpf's).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { Kind, type Spec, type Type } from "../../src/btf/index.js";

/**
 * One type of bpftool's JSON dump.
 *
 * @example
 * ```ts
 * const t: BpftoolType = { id: 1, kind: "INT", name: "int" };
 * ```
 */
export interface BpftoolType {
  id: number;
  kind: string;
  name: string;
  [field: string]: unknown;
}

/**
 * `bpftool btf dump file <path> -j`, or undefined when bpftool is not installed.
 *
 * @example
 * ```ts
 * const types = bpftoolTypes("/sys/kernel/btf/vmlinux");
 * ```
 */
export function bpftoolTypes(path: string, base?: string): BpftoolType[] | undefined {
  const args = ["btf", "dump", "file", path, "-j"];
  if (base !== undefined) args.push("-B", base);
  try {
    const out = execFileSync("bpftool", args, { maxBuffer: 1 << 30, encoding: "utf8" });
    return (JSON.parse(out) as { types: BpftoolType[] }).types;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

const KIND = [
  "UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE", "CONST",
  "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
];
const INT_ENC: Record<number, string> = { 0: "(none)", 1: "SIGNED", 2: "CHAR", 4: "BOOL" };
const LINKAGE = ["static", "global", "extern"];

/**
 * Type `t` of `spec` in bpftool's JSON shape.
 *
 * @example
 * ```ts
 * expect(toBpftool(spec, spec.typeByID(1))).toEqual(bpftoolTypes(path)![0]);
 * ```
 */
export function toBpftool(spec: Spec, t: Type): BpftoolType {
  const id = spec.typeID(t);
  const ref = (x: Type): number => spec.typeID(x);
  const anon = (s: string): string => (s === "" ? "(anon)" : s);
  const out: BpftoolType = { id, kind: KIND[t.kind]!, name: "(anon)" };
  switch (t.kind) {
    case Kind.Int:
      Object.assign(out, { name: t.name, size: t.size, bits_offset: t.offset, nr_bits: t.bits, encoding: INT_ENC[t.encoding] });
      break;
    case Kind.Pointer:
      out.type_id = ref(t.target);
      break;
    case Kind.Array:
      Object.assign(out, { type_id: ref(t.type), index_type_id: ref(t.index), nr_elems: t.nelems });
      break;
    case Kind.Struct:
    case Kind.Union:
      Object.assign(out, {
        name: anon(t.name),
        size: t.size,
        vlen: t.members.length,
        members: t.members.map((m) => ({
          name: anon(m.name),
          type_id: ref(m.type),
          bits_offset: m.bitOffset,
          ...(m.bitfieldSize ? { bitfield_size: m.bitfieldSize } : {}),
        })),
      });
      break;
    case Kind.Enum:
    case Kind.Enum64:
      Object.assign(out, {
        name: anon(t.name),
        encoding: t.signed ? "SIGNED" : "UNSIGNED",
        size: t.size,
        vlen: t.values.length,
        values: (t.values as { name: string; value: number | bigint }[]).map((v) => ({
          name: v.name,
          // bpftool 7.1 prints 32-bit enum values sign-extended to 64 bits even when unsigned.
          val: t.kind === Kind.Enum && !t.signed ? Number(BigInt.asUintN(64, BigInt.asIntN(32, BigInt(v.value)))) : Number(v.value),
        })),
      });
      break;
    case Kind.Fwd:
      Object.assign(out, { name: t.name, fwd_kind: t.fwdKind === 1 ? "union" : "struct" });
      break;
    case Kind.Typedef:
      Object.assign(out, { name: t.name, type_id: ref(t.type) });
      break;
    case Kind.Volatile:
    case Kind.Const:
    case Kind.Restrict:
      out.type_id = ref(t.type);
      break;
    case Kind.TypeTag:
      Object.assign(out, { name: t.value, type_id: ref(t.type) });
      break;
    case Kind.Func:
      Object.assign(out, { name: t.name, type_id: ref(t.type), linkage: LINKAGE[t.linkage] });
      break;
    case Kind.FuncProto:
      Object.assign(out, {
        ret_type_id: ref(t.return),
        vlen: t.params.length,
        params: t.params.map((p) => ({ name: anon(p.name), type_id: ref(p.type) })),
      });
      break;
    case Kind.Var:
      Object.assign(out, { name: t.name, type_id: ref(t.type), linkage: LINKAGE[t.linkage] });
      break;
    case Kind.Datasec:
      Object.assign(out, {
        name: t.name,
        size: t.size,
        vlen: t.vars.length,
        vars: t.vars.map((v) => ({ type_id: ref(v.type), offset: v.offset, size: v.size })),
      });
      break;
    case Kind.Float:
      Object.assign(out, { name: t.name, size: t.size });
      break;
    case Kind.DeclTag:
      Object.assign(out, { name: t.value, type_id: ref(t.type), component_idx: t.index });
      break;
    default:
      break;
  }
  return out;
}

/**
 * Ids whose types differ from bpftool's dump, with both forms, at most `limit` of them.
 *
 * @example
 * ```ts
 * expect(diffWithBpftool(spec, bpftoolTypes(path)!)).toEqual([]);
 * ```
 */
export function diffWithBpftool(spec: Spec, expected: BpftoolType[], limit = 5): unknown[] {
  const diffs: unknown[] = [];
  for (const want of expected) {
    const got = toBpftool(spec, spec.typeByID(want.id));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      diffs.push({ got, want });
      if (diffs.length >= limit) break;
    }
  }
  return diffs;
}

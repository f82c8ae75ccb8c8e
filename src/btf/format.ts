/**
 * A C-like rendering of BTF types for messages and debugging.
 *
 * @module
 */

import { Kind } from "./kind.js";
import { FuncLinkage, FwdKind, VarLinkage, type Member, type Type } from "./types.js";

/** Anonymous composites are expanded inline; this bounds how deep. */
const MAX_INLINE_DEPTH = 8;

/** Bound on the members written in one call, so malformed BTF cannot blow the output up. */
const MAX_LINES = 4096;

/**
 * Bounds on nested declarations (parameters of function pointers, qualified types) and on the
 * declarator parts (`*`, `[n]`, `(…)`) written in one call: malformed BTF can make a prototype
 * its own parameter.
 */
const MAX_DECLARE_DEPTH = 32;
const MAX_PARTS = 4 * MAX_LINES;

/** Output budget shared by one formatType call. */
interface Budget {
  lines: number;
  /** Declarations being written, one inside the other. */
  nesting: number;
  /** Declarator parts written so far. */
  parts: number;
}

/**
 * Render `t` as C. Structs, unions, enums and data sections are shown with their members one
 * level deep (named member types are referred to by name, anonymous ones are expanded);
 * other types as a declaration.
 *
 * @example
 * ```ts
 * import { loadKernelSpec, formatType, Kind } from "ebpf/btf";
 * const spec = loadKernelSpec();
 * formatType(spec.typeByName("u32", Kind.Typedef)); // "typedef unsigned int u32"
 * console.log(formatType(spec.typeByName("task_struct", Kind.Struct))); // "struct task_struct {\n\t..."
 * ```
 */
export function formatType(t: Type): string {
  switch (t.kind) {
    case Kind.Struct:
    case Kind.Union:
    case Kind.Enum:
    case Kind.Enum64:
      return composite(t, 0, true, budget());
    case Kind.Fwd:
      return `${t.fwdKind === FwdKind.Union ? "union" : "struct"} ${t.name}`;
    case Kind.Typedef:
      return `typedef ${declare(t.type, t.name, 0, budget())}`;
    case Kind.Func: {
      const prefix = t.linkage === FuncLinkage.Static ? "static " : t.linkage === FuncLinkage.Extern ? "extern " : "";
      return prefix + declare(t.type, t.name, 0, budget());
    }
    case Kind.Var: {
      const prefix = t.linkage === VarLinkage.Static ? "static " : t.linkage === VarLinkage.Extern ? "extern " : "";
      return prefix + declare(t.type, t.name, 0, budget());
    }
    case Kind.Datasec: {
      const b = budget();
      const lines = t.vars.map((v) => {
        const decl = v.type.kind === Kind.Var ? declare(v.type.type, v.type.name, 1, b) : declare(v.type, v.type.name, 1, b);
        return `\t${decl}; /* offset ${v.offset}, size ${v.size} */`;
      });
      return `SEC("${t.name}") {${lines.length ? "\n" + lines.join("\n") + "\n" : " "}}`;
    }
    case Kind.DeclTag: {
      const target = t.type.name || declare(t.type, "", 0, budget());
      const where = t.index >= 0 ? ` (component ${t.index})` : "";
      return `__attribute__((btf_decl_tag("${t.value}"))) on ${target}${where}`;
    }
    default:
      return declare(t, "", 0, budget());
  }
}

function budget(): Budget {
  return { lines: 0, nesting: 0, parts: 0 };
}

function indent(depth: number): string {
  return "\t".repeat(depth);
}

function composite(t: Type, depth: number, expand: boolean, b: Budget): string {
  switch (t.kind) {
    case Kind.Struct:
    case Kind.Union: {
      const head = `${t.kind === Kind.Struct ? "struct" : "union"}${t.name ? " " + t.name : ""}`;
      if (!expand) return head;
      if (depth > MAX_INLINE_DEPTH || b.lines > MAX_LINES) return `${head} {...}`;
      if (t.members.length === 0) return `${head} {}`;
      b.lines += t.members.length;
      const lines = t.members.map((m) => `${indent(depth + 1)}${member(m, depth + 1, b)};`);
      return `${head} {\n${lines.join("\n")}\n${indent(depth)}}`;
    }
    case Kind.Enum:
    case Kind.Enum64: {
      const head = `enum${t.name ? " " + t.name : ""}`;
      if (!expand) return head;
      if (t.values.length === 0) return `${head} {}`;
      if (b.lines > MAX_LINES) return `${head} {...}`;
      b.lines += t.values.length;
      const values: { name: string; value: number | bigint }[] = t.values;
      const lines = values.map((v) => `${indent(depth + 1)}${v.name} = ${v.value},`);
      return `${head} {\n${lines.join("\n")}\n${indent(depth)}}`;
    }
    default:
      return "";
  }
}

function member(m: Member, depth: number, b: Budget): string {
  const bits = m.bitfieldSize > 0 ? `:${m.bitfieldSize}` : "";
  return declare(m.type, m.name, depth, b) + bits;
}

/** The name a type is referred to by, in a declaration of something of that type. */
function baseName(t: Type, depth: number, b: Budget): string {
  switch (t.kind) {
    case Kind.Void:
      return "void";
    case Kind.Struct:
    case Kind.Union:
    case Kind.Enum:
    case Kind.Enum64:
      // Anonymous composites have no name to refer to, so they are written out.
      return composite(t, depth, t.name === "", b);
    case Kind.Fwd:
      return `${t.fwdKind === FwdKind.Union ? "union" : "struct"} ${t.name}`;
    case Kind.Datasec:
      return `SEC("${t.name}")`;
    default:
      return t.name || "?";
  }
}

function isDeclarator(t: Type): boolean {
  return t.kind === Kind.Pointer || t.kind === Kind.Array || t.kind === Kind.FuncProto || t.kind === Kind.Func;
}

function qualifier(t: Type): string {
  switch (t.kind) {
    case Kind.Const:
      return "const";
    case Kind.Volatile:
      return "volatile";
    case Kind.Restrict:
      return "restrict";
    case Kind.TypeTag:
      return `__attribute__((btf_type_tag("${t.value}")))`;
    default:
      return "";
  }
}

/** A C declaration of `name` with type `t`; an abstract declarator when `name` is empty. */
function declare(t: Type, name: string, depth: number, b: Budget): string {
  if (b.nesting >= MAX_DECLARE_DEPTH || b.parts > MAX_PARTS) return name ? `... ${name}` : "...";
  b.nesting++;
  try {
    return declarator(t, name, depth, b);
  } finally {
    b.nesting--;
  }
}

function declarator(t: Type, name: string, depth: number, b: Budget): string {
  let inner = name;
  let cur = t;
  // Bounded walk: each step wraps the declarator once; malformed cycles stop at the limit.
  for (let step = 0; step < 64; step++) {
    if (++b.parts > MAX_PARTS) return `... ${inner}`;
    switch (cur.kind) {
      case Kind.Pointer: {
        const target = cur.target;
        inner = target.kind === Kind.Array || target.kind === Kind.FuncProto ? `(*${inner})` : `*${inner}`;
        cur = target;
        continue;
      }
      case Kind.Array:
        inner = `${inner}[${cur.nelems}]`;
        cur = cur.type;
        continue;
      case Kind.FuncProto:
      case Kind.Func: {
        const proto = cur.kind === Kind.Func ? cur.type : cur;
        inner = `${inner}(${params(proto.params, depth, b)})`;
        cur = proto.return;
        continue;
      }
      case Kind.Const:
      case Kind.Volatile:
      case Kind.Restrict:
      case Kind.TypeTag: {
        const q = qualifier(cur);
        let under = cur.type;
        while (under.kind === Kind.Const || under.kind === Kind.Volatile || under.kind === Kind.Restrict || under.kind === Kind.TypeTag) {
          if (step++ > 64) break;
          under = under.type;
        }
        if (isDeclarator(under)) {
          inner = inner ? `${q} ${inner}` : q;
          cur = cur.type;
          continue;
        }
        return `${q} ${declare(cur.type, inner, depth, b)}`;
      }
      default: {
        const base = baseName(cur, depth, b);
        if (!inner) return base;
        return base.endsWith("*") ? base + inner : `${base} ${inner}`;
      }
    }
  }
  return `${baseName(cur, depth, b)} ${inner}`;
}

function params(list: readonly { name: string; type: Type }[], depth: number, b: Budget): string {
  if (list.length === 0) return "void";
  return list
    .map((p, i) => (i === list.length - 1 && p.type.kind === Kind.Void && p.name === "" ? "..." : declare(p.type, p.name, depth, b)))
    .join(", ");
}

/**
 * Short type names for codec messages.
 *
 * @module
 */
import { Kind, kindName } from "../kind.js";
import type { Type } from "../types.js";

/**
 * Short name of `t` for messages: `struct event`, `u32`, `variable counter` — never the whole
 * body, which `formatType` prints for anonymous types.
 *
 * @example
 * ```ts
 * typeLabel(spec.typeByName("event")); // "struct event"
 * ```
 */
export function typeLabel(t: Type): string {
  switch (t.kind) {
    case Kind.Var:
      return `variable ${t.name}`;
    case Kind.Struct:
    case Kind.Union:
    case Kind.Enum:
    case Kind.Enum64:
      return `${t.kind === Kind.Struct ? "struct" : t.kind === Kind.Union ? "union" : "enum"} ${t.name || "(anonymous)"}`;
    case Kind.Array:
      return `${typeLabel(t.type)}[${t.nelems}]`;
    case Kind.Pointer:
      return `${typeLabel(t.target)} *`;
    case Kind.Const:
    case Kind.Volatile:
    case Kind.Restrict:
    case Kind.TypeTag:
      return typeLabel(t.type);
    default:
      return t.name || kindName(t.kind);
  }
}

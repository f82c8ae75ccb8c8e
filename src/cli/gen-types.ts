/**
 * TypeScript declarations for BTF types, matching how the codecs of `ebpf/btf` (`codecFor`)
 * represent values: the types `ebpf gen` writes into generated modules.
 *
 * @module
 */
import { IntEncoding, isKernelOwned, Kind, type Member, type Type } from "../btf/index.js";

/** Bound on nesting, so a cycle in malformed BTF cannot recurse forever. */
const MAX_DEPTH = 32;

/** A named declaration to emit: an interface for a record, a type and a const for an enum. */
interface Declaration {
  readonly type: Type;
  readonly name: string;
}

/**
 * Collects the TypeScript name and declaration of every named struct, union and enum reached
 * from the types it is asked about, and writes TypeScript type expressions for them.
 *
 * Naming: a C name becomes PascalCase (`flow_key` → `FlowKey`, `__sk_buff` → `SkBuff`); an
 * anonymous record or enum named by a typedef takes the typedef's name; other anonymous ones are
 * written inline. Names that collide with each other or with `reserved` get the kind appended
 * (`FooUnion`), then a number.
 *
 * @example
 * ```ts
 * const decls = new TypeDeclarations(new Set(["Maps"]));
 * decls.expression(spec.maps.flows.value!); // "FlowStats"
 * decls.declarations(); // "export interface FlowStats { … }\n…"
 * ```
 */
export class TypeDeclarations {
  readonly #names = new Map<Type, string>();
  readonly #taken: Set<string>;
  readonly #order: Declaration[] = [];

  constructor(reserved: ReadonlySet<string>) {
    this.#taken = new Set(reserved);
  }

  /**
   * The TypeScript type of values of `t`, declaring the named records and enums it uses.
   *
   * @example
   * ```ts
   * decls.expression(u64Type); // "bigint"
   * ```
   */
  expression(t: Type, alias?: string, depth = 0): string {
    if (depth > MAX_DEPTH) return "unknown";
    switch (t.kind) {
      case Kind.Typedef: {
        const target = skipQualifiers(t.type);
        // `typedef struct { … } name_t;` names the anonymous record.
        if (isDeclarable(target) && target.name === "") return this.expression(target, t.name, depth + 1);
        return this.expression(t.type, undefined, depth + 1);
      }
      case Kind.Const:
      case Kind.Volatile:
      case Kind.Restrict:
      case Kind.TypeTag:
      case Kind.Var:
        return this.expression(t.type, alias, depth + 1);
      case Kind.Int:
        if ((t.encoding & IntEncoding.Bool) !== 0) return "boolean";
        return t.size >= 8 ? "bigint" : "number";
      case Kind.Float:
        return t.size === 4 || t.size === 8 ? "number" : "Uint8Array";
      case Kind.Pointer:
        return "bigint";
      case Kind.Array: {
        const elem = skipQualifiersAndTypedefs(t.type);
        if (elem.kind === Kind.Int && elem.size === 1) {
          if ((elem.encoding & IntEncoding.Char) !== 0 || elem.name === "char") return "string";
          if (elem.bits === 8 && elem.offset === 0 && (elem.encoding & IntEncoding.Bool) === 0) return "Uint8Array";
        }
        const inner = this.expression(t.type, undefined, depth + 1);
        return /^[\w.]+$/u.test(inner) ? `${inner}[]` : `(${inner})[]`;
      }
      case Kind.Struct:
      case Kind.Union:
      case Kind.Enum:
      case Kind.Enum64: {
        const name = t.name !== "" ? t.name : alias;
        if (name === undefined) return this.#body(t, depth + 1);
        return this.#declare(t, name);
      }
      case Kind.Datasec:
        return `{ ${t.vars.map((v) => `${property(v.type.name)}: ${this.expression(v.type, undefined, depth + 1)};`).join(" ")} }`;
      default:
        return "unknown";
    }
  }

  /**
   * Every declaration collected so far, in the order first met, as TypeScript source.
   *
   * @example
   * ```ts
   * out += decls.declarations();
   * ```
   */
  declarations(): string {
    let out = "";
    // Declaring one may reach further ones, so walk until the list stops growing.
    for (let i = 0; i < this.#order.length; i++) {
      const { type: t, name } = this.#order[i]!;
      if (t.kind === Kind.Enum || t.kind === Kind.Enum64) {
        const big = t.kind === Kind.Enum64 || t.size === 8;
        const values = t.values as readonly { name: string; value: number | bigint }[];
        const names = values.map((v) => JSON.stringify(v.name));
        out += `/** \`enum ${t.name}\`: decoded as the enumerator's name, or the ${big ? "bigint" : "number"} when it has none. */\n`;
        out += `export type ${name} = ${[...names, big ? "bigint" : "number"].join(" | ")};\n`;
        out += `/** The values of \`enum ${t.name}\`. */\n`;
        const members = values.map((v) => `${property(v.name)}: ${big ? `${BigInt(v.value)}n` : String(v.value)}`);
        out += `export const ${name} = { ${members.join(", ")} } as const;\n\n`;
        continue;
      }
      const keyword = t.kind === Kind.Union ? "union" : "struct";
      const cName = t.name === "" ? `${keyword} (typedef ${name})` : `${keyword} ${t.name}`;
      out += `/** \`${cName}\`${t.kind === Kind.Union ? ": decoded with every member's view; encoding writes each member given" : ""}. */\n`;
      out += `export interface ${name} ${this.#body(t, 0)}\n\n`;
    }
    return out;
  }

  #declare(t: Type, cName: string): string {
    const known = this.#names.get(t);
    if (known !== undefined) return known;
    const base = pascalCase(cName);
    let name = base;
    if (this.#taken.has(name)) name = `${base}${kindSuffix(t)}`;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${kindSuffix(t)}${n}`;
    this.#taken.add(name);
    this.#names.set(t, name);
    this.#order.push({ type: t, name });
    return name;
  }

  /** The object type (records) or literal union (enums) of `t`, written out. */
  #body(t: Type, depth: number): string {
    if (t.kind === Kind.Enum || t.kind === Kind.Enum64) {
      const big = t.kind === Kind.Enum64 || t.size === 8;
      const values = t.values as readonly { name: string }[];
      return [...values.map((v) => JSON.stringify(v.name)), big ? "bigint" : "number"].join(" | ");
    }
    if (t.kind !== Kind.Struct && t.kind !== Kind.Union) return "unknown";
    const lines: string[] = [];
    this.#members(t.members, depth, lines);
    return lines.length === 0 ? "{}" : `{\n${lines.map((l) => `  ${l}`).join("\n")}\n}`;
  }

  #members(members: readonly Member[], depth: number, lines: string[]): void {
    for (const m of members) {
      const u = skipQualifiersAndTypedefs(m.type);
      if (isKernelOwned(u)) continue;
      if (m.name === "") {
        // Members of an anonymous struct or union are reached directly, as in C.
        if ((u.kind === Kind.Struct || u.kind === Kind.Union) && m.bitfieldSize === 0) this.#members(u.members, depth + 1, lines);
        continue;
      }
      lines.push(`${property(m.name)}: ${indent(this.expression(m.type, undefined, depth + 1))};`);
    }
  }
}

function isDeclarable(t: Type): boolean {
  return t.kind === Kind.Struct || t.kind === Kind.Union || t.kind === Kind.Enum || t.kind === Kind.Enum64;
}

function skipQualifiers(t: Type): Type {
  let cur = t;
  for (let i = 0; i < MAX_DEPTH; i++) {
    if (cur.kind !== Kind.Const && cur.kind !== Kind.Volatile && cur.kind !== Kind.Restrict && cur.kind !== Kind.TypeTag) return cur;
    cur = cur.type;
  }
  return cur;
}

function skipQualifiersAndTypedefs(t: Type): Type {
  let cur = t;
  for (let i = 0; i < MAX_DEPTH; i++) {
    if (cur.kind !== Kind.Const && cur.kind !== Kind.Volatile && cur.kind !== Kind.Restrict && cur.kind !== Kind.TypeTag && cur.kind !== Kind.Typedef) return cur;
    cur = cur.type;
  }
  return cur;
}

function kindSuffix(t: Type): string {
  return t.kind === Kind.Union ? "Union" : t.kind === Kind.Enum || t.kind === Kind.Enum64 ? "Enum" : "Struct";
}

function indent(text: string): string {
  return text.replace(/\n/gu, "\n  ");
}

/**
 * `flow_key` → `FlowKey`; leading underscores are dropped and a name that would not start with
 * a letter gets a `T` in front.
 *
 * @example
 * ```ts
 * pascalCase("__sk_buff"); // "SkBuff"
 * ```
 */
export function pascalCase(cName: string): string {
  const name = cName
    .split(/_+/u)
    .filter((p) => p !== "")
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
  return /^[A-Za-z]/u.test(name) ? name : `T${name}`;
}

/**
 * A property name as TypeScript accepts it: bare when it is an identifier, quoted otherwise.
 *
 * @example
 * ```ts
 * property("packets"); // "packets"
 * property(".bss"); // "\".bss\""
 * ```
 */
export function property(name: string): string {
  return /^[A-Za-z_$][\w$]*$/u.test(name) ? name : JSON.stringify(name);
}

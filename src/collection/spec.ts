/**
 * The pure-data description of an object file: maps, programs and variables, ready to be turned
 * into kernel objects by `newCollection`.
 *
 * @module
 */
import type { Spec as BTFSpec, Type } from "../btf/index.js";
import type { ByteOrder } from "../elf/index.js";
import type { MapSpec } from "../map/spec.js";
import type { ProgramBTF } from "../prog/object-btf.js";
import type { ProgramSpec } from "../prog/spec.js";
import type { VariableSpec } from "./variable-spec.js";

/** One initial key/value of a map. Values may name a map or program of the collection. */
export interface MapEntry {
  readonly key: number | Uint8Array;
  /** Bytes, or the name of a map (map-in-map) or program (prog array) resolved at load. */
  readonly value: Uint8Array | { readonly map: string } | { readonly program: string };
}

/** A map as an object file describes it: a {@link MapSpec} plus BTF and initial contents. */
export interface CollectionMapSpec extends MapSpec {
  /** The name the map has in the object (also `name`, which the kernel may cut to 15 chars). */
  readonly name: string;
  /** The inner map of a map-in-map, as the object describes it. */
  innerMap?: CollectionMapSpec | undefined;
  /** BTF of key and value, when the object has BTF. */
  key?: Type | undefined;
  value?: Type | undefined;
  /** Entries written after creation (data sections, static map-in-map / prog-array slots). */
  contents?: MapEntry[];
  /** Bytes of a legacy map definition beyond the fields the loader knows; must be zero to load. */
  extra?: Uint8Array;
  /** Make the map read-only for user space after `contents` are written (`.rodata`). */
  freeze?: boolean;
  /**
   * The decl tags on the map's definition (`__attribute__((btf_decl_tag("…")))`, clang 14+), in
   * BTF order; absent when it has none.
   */
  tags?: string[];
}

/** A program as an object file describes it. */
export interface CollectionProgramSpec extends ProgramSpec {
  readonly name: string;
  /** The ELF section it came from (`xdp`, `kprobe/do_sys_open` …). */
  readonly sectionName: string;
  /** What the section name says to attach to (function, tracepoint, symbol), or "". */
  readonly attachTo: string;
  /** False when the section name starts with `?`: loaded only when asked for. */
  readonly autoload: boolean;
  readonly byteOrder: ByteOrder;
  readonly btf?: ProgramBTF | undefined;
}

/** An extern symbol of the object (`.kconfig`, `.ksyms`, kfuncs), resolved at load. */
export interface ExternSpec {
  readonly name: string;
  readonly kind: "kconfig" | "ksym" | "kfunc";
  /** Weak externs resolve to 0 (or a poisoned call) when the kernel lacks them. */
  readonly weak: boolean;
  /** The BTF type: a Var for kconfig and typed ksyms, a Func for kfuncs. */
  readonly type?: Type | undefined;
  /** Offset in the `.kconfig` map, for kconfig externs. */
  readonly offset?: number;
}

/**
 * Everything an object file holds.
 *
 * @example
 * ```ts
 * import { loadCollectionSpec } from "ebpf";
 * const spec = await loadCollectionSpec("bpf/xdp_count.o");
 * console.log(Object.keys(spec.programs), Object.keys(spec.maps));
 * ```
 */
export interface CollectionSpec {
  maps: Record<string, CollectionMapSpec>;
  programs: Record<string, CollectionProgramSpec>;
  variables: Record<string, VariableSpec>;
  /** Externs the programs reference, by name. */
  externs: Record<string, ExternSpec>;
  /** The object's BTF, when it has any. */
  types: BTFSpec | undefined;
  byteOrder: ByteOrder;
}

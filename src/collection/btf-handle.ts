/**
 * An object's BTF loaded into the kernel for the duration of a collection load: maps take their
 * key/value type ids from it and programs their func/line info.
 *
 * @module
 */
import { marshalSpec, type Type } from "../btf/index.js";
import { btfLoad, closeRaw, SyscallError } from "../syscall/index.js";

/** A loaded BTF object and the ids of the spec's types in it. */
export interface ObjectBTF {
  readonly fd: number;
  /** Key and value type ids of a map, or undefined when it has no BTF types. */
  mapTypeIDs(m: { key?: Type | undefined; value?: Type | undefined }): { key: number; value: number } | undefined;
  close(): void;
}

/**
 * Marshal the maps' key and value types (and what they refer to) and load them with
 * BPF_BTF_LOAD. Returns undefined when the kernel refuses it
 * (no BTF support, or kinds it does not know): maps then load without BTF, as libbpf does.
 *
 * @example
 * ```ts
 * const btf = loadObjectBTF([mapSpec.key, mapSpec.value]);
 * btf?.close();
 * ```
 */
export function loadObjectBTF(types: Iterable<Type>): ObjectBTF | undefined {
  const list = [...new Set(types)];
  if (list.length === 0) return undefined;
  const { bytes, typeIDs } = marshalSpec(list);
  let fd: number;
  try {
    fd = btfLoad(bytes);
  } catch (err) {
    if (err instanceof SyscallError) return undefined;
    throw err;
  }
  const id = (t: Type | undefined) => (t === undefined ? 0 : (typeIDs.get(t) ?? 0));
  return {
    fd,
    mapTypeIDs(m) {
      const key = id(m.key);
      const value = id(m.value);
      return key === 0 && value === 0 ? undefined : { key, value };
    },
    close() {
      closeRaw(fd);
    },
  };
}

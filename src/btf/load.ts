/**
 * Parsing raw BTF (the `.BTF` ELF section, `/sys/kernel/btf/*`) into a {@link Spec}.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import { parseHeader, type ByteOrder } from "./header.js";
import { scanTypes } from "./raw.js";
import { Spec } from "./spec.js";
import { StringTable } from "./strings.js";

/**
 * Options of {@link loadSpecFromBuffer}.
 *
 * @example
 * ```ts
 * import type { LoadSpecOptions } from "ebpf/btf";
 * const opts: LoadSpecOptions = { byteOrder: "big" };
 * ```
 */
export interface LoadSpecOptions {
  /** Expected byte order; by default it is detected from the magic number. */
  byteOrder?: ByteOrder;
  /** Base spec for split BTF (a kernel module's BTF on top of vmlinux). */
  base?: Spec;
}

/**
 * Parse raw BTF. One validating pass indexes the types; type objects are built on demand. The
 * buffer is referenced, not copied: do not modify it afterwards.
 *
 * @throws {BTFError} for malformed BTF, naming the offending field or type id.
 * @example
 * ```ts
 * import { loadSpecFromBuffer } from "ebpf/btf";
 * import { readFileSync } from "node:fs";
 * const vmlinux = loadSpecFromBuffer(readFileSync("/sys/kernel/btf/vmlinux"));
 * const mod = loadSpecFromBuffer(readFileSync("/sys/kernel/btf/nf_tables"), { base: vmlinux });
 * ```
 */
export function loadSpecFromBuffer(bytes: Uint8Array, options: LoadSpecOptions = {}): Spec {
  if (!(bytes instanceof Uint8Array)) throw new BTFError("BTF must be given as a Uint8Array");
  const { base } = options;
  const header = parseHeader(bytes, options.byteOrder);
  if (base !== undefined && base.byteOrder !== header.byteOrder) {
    throw new BTFError(`split BTF is ${header.byteOrder}-endian but its base is ${base.byteOrder}-endian`);
  }
  const strings = new StringTable(
    bytes.subarray(header.strOff, header.strOff + header.strLen),
    base?.strings,
  );
  const firstId = base === undefined ? 1 : base.nextId;
  const raw = scanTypes(bytes, header.typeOff, header.typeLen, header.byteOrder, strings, firstId);
  return new Spec(raw, base);
}

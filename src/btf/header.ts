/**
 * The `struct btf_header` at the start of raw BTF.
 *
 * @module
 */

import { BTFError } from "../errors.js";

/**
 * Byte order of raw BTF: the same spelling as the ELF reader's.
 *
 * @example
 * ```ts
 * import type { ByteOrder } from "ebpf/btf";
 * const order: ByteOrder = "little";
 * ```
 */
export type ByteOrder = "little" | "big";

/**
 * `BTF_MAGIC`, the first two bytes of raw BTF and `.BTF.ext` in the blob's byte order.
 *
 * @example
 * ```ts
 * import { BTF_MAGIC } from "ebpf/btf";
 * const isLE = (b: Uint8Array) => (b[0]! | (b[1]! << 8)) === BTF_MAGIC;
 * ```
 */
export const BTF_MAGIC = 0xeb9f;

/**
 * Size of `struct btf_header` for version 1.
 *
 * @example
 * ```ts
 * import { BTF_HEADER_LEN } from "ebpf/btf";
 * const hasHeader = (b: Uint8Array) => b.length >= BTF_HEADER_LEN;
 * ```
 */
export const BTF_HEADER_LEN = 24;

/**
 * A decoded, validated BTF header. Section offsets are absolute offsets into the buffer.
 *
 * @example
 * ```ts
 * import { parseHeader } from "ebpf/btf";
 * import { readFileSync } from "node:fs";
 * const h = parseHeader(readFileSync("/sys/kernel/btf/vmlinux"));
 * console.log(h.typeLen, h.strLen);
 * ```
 */
export interface Header {
  byteOrder: ByteOrder;
  hdrLen: number;
  typeOff: number;
  typeLen: number;
  strOff: number;
  strLen: number;
}

/**
 * The byte order native to this machine.
 *
 * @example
 * ```ts
 * import { hostByteOrder } from "ebpf/btf";
 * console.log(hostByteOrder()); // "little" on x86-64
 * ```
 */
export function hostByteOrder(): ByteOrder {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "little" : "big";
}

/**
 * Decode and check the header of raw BTF. The byte order comes from the magic number; when
 * `expected` is given it must agree.
 *
 * @throws {BTFError} on a bad magic, version or flags, or sections outside the buffer.
 * @example
 * ```ts
 * import { parseHeader } from "ebpf/btf";
 * import { readFileSync } from "node:fs";
 * const { byteOrder } = parseHeader(readFileSync("/sys/kernel/btf/vmlinux"));
 * ```
 */
export function parseHeader(bytes: Uint8Array, expected?: ByteOrder): Header {
  if (bytes.length < BTF_HEADER_LEN) {
    throw new BTFError(`BTF is ${bytes.length} bytes, shorter than its ${BTF_HEADER_LEN}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let byteOrder: ByteOrder;
  if (view.getUint16(0, true) === BTF_MAGIC) byteOrder = "little";
  else if (view.getUint16(0, false) === BTF_MAGIC) byteOrder = "big";
  else {
    throw new BTFError(`bad BTF magic 0x${view.getUint16(0, true).toString(16).padStart(4, "0")}`);
  }
  if (expected !== undefined && expected !== byteOrder) {
    throw new BTFError(`BTF is ${byteOrder}-endian, expected ${expected}-endian`);
  }
  const le = byteOrder === "little";
  const version = view.getUint8(2);
  if (version !== 1) throw new BTFError(`unsupported BTF version ${version}`);
  const flags = view.getUint8(3);
  if (flags !== 0) throw new BTFError(`unsupported BTF header flags 0x${flags.toString(16)}`);
  const hdrLen = view.getUint32(4, le);
  if (hdrLen < BTF_HEADER_LEN || hdrLen > bytes.length) {
    throw new BTFError(`BTF header length ${hdrLen} invalid (buffer is ${bytes.length} bytes)`);
  }
  // A longer header from a newer kernel is fine as long as the unknown tail is zero.
  for (let i = BTF_HEADER_LEN; i < hdrLen; i++) {
    if (bytes[i] !== 0) throw new BTFError(`BTF header byte ${i} is non-zero in an unknown header field`);
  }
  const typeOff = view.getUint32(8, le);
  const typeLen = view.getUint32(12, le);
  const strOff = view.getUint32(16, le);
  const strLen = view.getUint32(20, le);
  const body = bytes.length - hdrLen;
  if (typeOff % 4 !== 0) throw new BTFError(`BTF type section offset ${typeOff} is not 4-byte aligned`);
  if (typeOff > body || typeLen > body - typeOff) {
    throw new BTFError(`BTF type section [${typeOff}, +${typeLen}) beyond end of data (${body} bytes)`);
  }
  if (strOff > body || strLen > body - strOff) {
    throw new BTFError(`BTF string section [${strOff}, +${strLen}) beyond end of data (${body} bytes)`);
  }
  if (typeOff < strOff + strLen && strOff < typeOff + typeLen && typeLen > 0 && strLen > 0) {
    throw new BTFError("BTF type and string sections overlap");
  }
  return { byteOrder, hdrLen, typeOff: hdrLen + typeOff, typeLen, strOff: hdrLen + strOff, strLen };
}

/**
 * Byte order of an instruction stream.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";

/**
 * Byte order of encoded instructions: `"little"` for bpfel objects and x86/arm64 kernels,
 * `"big"` for bpfeb. In big endian the register byte has dst in the high nibble.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const order: asm.ByteOrder = "little";
 * ```
 */
export type ByteOrder = "little" | "big";

/**
 * The byte order of the machine running this code, which is the order the kernel expects.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const bytes = asm.marshalInstructions([asm.Return()], asm.nativeByteOrder);
 * ```
 */
export const nativeByteOrder: ByteOrder =
  new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "little" : "big";

/**
 * Throws `ArgumentError` unless `order` is a valid {@link ByteOrder}; returns true for little
 * endian.
 *
 * @example
 * ```ts
 * isLittleEndian("big"); // false
 * ```
 */
export function isLittleEndian(order: ByteOrder): boolean {
  if (order === "little") return true;
  if (order === "big") return false;
  throw new ArgumentError(`byte order must be "little" or "big", got ${String(order)}`);
}

/**
 * Conversions between access sizes and the widths some instructions take in their immediate.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { Size } from "./opcode.js";

/**
 * Checks that `size` is a {@link Size} value and returns it.
 *
 * @example
 * ```ts
 * checkSize(Size.W); // Size.W
 * ```
 */
export function checkSize(size: Size): Size {
  if (size !== Size.B && size !== Size.H && size !== Size.W && size !== Size.DW) {
    throw new ArgumentError(`size must be Byte, Half, Word or DWord, got ${String(size)}`);
  }
  return size;
}

/**
 * The width in bits of a byte swap of `size` (Half, Word or DWord).
 *
 * @example
 * ```ts
 * swapWidth(Size.H); // 16
 * ```
 */
export function swapWidth(size: Size): 16 | 32 | 64 {
  switch (checkSize(size)) {
    case Size.H:
      return 16;
    case Size.W:
      return 32;
    case Size.DW:
      return 64;
    default:
      throw new ArgumentError("a byte swap needs a Half, Word or DWord size");
  }
}

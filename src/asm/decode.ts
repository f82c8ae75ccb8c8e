/**
 * Bytes to instructions.
 *
 * @module
 */
import { isLittleEndian, type ByteOrder } from "./byte-order.js";
import { InstructionError } from "./errors.js";
import { Instruction } from "./instruction.js";

const LDDW = 0x18;
// Most immediates are small (register moves, offsets, helper ids, sizes): one shared bigint each
// instead of a new one per instruction.
const SMALL_MIN = -256;
const SMALL = Array.from({ length: 1280 }, (_, i) => BigInt(i + SMALL_MIN));

function smallOrNew(n: number): bigint {
  const i = n - SMALL_MIN;
  return i >= 0 && i < SMALL.length ? SMALL[i]! : BigInt(n);
}

/**
 * Decodes an instruction stream. A 16-byte `lddw` becomes one {@link Instruction} with a 64-bit
 * constant. Throws {@link InstructionError} (with the index of the instruction) for a length
 * that is not a multiple of 8, an unknown opcode, a register above r10, or a truncated or
 * malformed `lddw`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const bytes = new Uint8Array([0xb7, 0, 0, 0, 42, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
 * const insns = asm.unmarshalInstructions(bytes, "little");
 * console.log(insns.map(String)); // ["r0 = 42", "exit"]
 * ```
 */
export function unmarshalInstructions(bytes: Uint8Array, byteOrder: ByteOrder): Instruction[] {
  const little = isLittleEndian(byteOrder);
  if (!(bytes instanceof Uint8Array)) {
    throw new InstructionError(`instructions must be a Uint8Array, got ${typeof bytes}`);
  }
  const insns: Instruction[] = [];
  if (bytes.length % 8 !== 0) {
    throw new InstructionError(
      `${bytes.length} bytes is not a multiple of the 8-byte instruction size`,
      Math.floor(bytes.length / 8),
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = 0; pos < bytes.length; ) {
    const index = insns.length;
    const opcode = bytes[pos]!;
    const regs = bytes[pos + 1]!;
    const dst = little ? regs & 0x0f : regs >> 4;
    const src = little ? regs >> 4 : regs & 0x0f;
    const offset = view.getInt16(pos + 2, little);
    let constant = smallOrNew(view.getInt32(pos + 4, little));
    if (opcode === LDDW) {
      if (pos + 16 > bytes.length) {
        throw new InstructionError("64-bit immediate load (lddw) truncated: missing its second 8 bytes", index);
      }
      if (bytes[pos + 8] !== 0 || bytes[pos + 9] !== 0 || view.getInt16(pos + 10, little) !== 0) {
        throw new InstructionError("64-bit immediate load (lddw) has a non-zero second opcode, register or offset", index);
      }
      const high = BigInt(view.getInt32(pos + 12, little));
      constant = BigInt.asIntN(64, (high << 32n) | BigInt.asUintN(32, constant));
      pos += 16;
    } else {
      pos += 8;
    }
    try {
      insns.push(new Instruction({ opcode, dst, src, offset, constant }));
    } catch (err) {
      if (err instanceof InstructionError) throw new InstructionError(err.detail, index, { cause: err });
      throw err;
    }
  }
  return insns;
}

import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import * as asm from "../../src/asm/index.js";

const orders = ["little", "big"] as const;

// One instruction of every class and mode, with non-zero registers, offsets and immediates so a
// swapped nibble or byte order shows.
const everyClass: [string, asm.Instruction][] = [
  ["LD imm64", asm.LoadImm(asm.R3, -0x123456789abcdefn, asm.DWord)],
  ["LD imm64 map fd", asm.LoadMapPtr(asm.R1, 7)],
  ["LD imm64 map value", asm.LoadMapValue(asm.R2, { fd: 9 }, 0x10)],
  ["LD abs", asm.LoadAbs(-8, asm.Half)],
  ["LD ind", asm.LoadInd(asm.R0, asm.R7, 4, asm.Byte)],
  ["LDX mem", asm.LoadMem(asm.R4, asm.R10, -12, asm.Word)],
  ["LDX memsx", asm.LoadMemSX(asm.R4, asm.R9, 300, asm.Half)],
  ["ST mem", asm.StoreImm(asm.R10, -4, -2, asm.Word)],
  ["STX mem", asm.StoreMem(asm.R10, -16, asm.R6, asm.DWord)],
  ["STX atomic", asm.AtomicCmpXchg(asm.R5, 24, asm.R8, asm.DWord)],
  ["STX load-acquire", asm.LoadAcquire(asm.R0, asm.R1, 2, asm.Byte)],
  ["ALU", asm.Xor.Imm32(asm.R5, 0x5a5a)],
  ["ALU reg", asm.Mod.Reg32(asm.R1, asm.R2)],
  ["ALU64", asm.ArSh.Reg(asm.R9, asm.R3)],
  ["ALU64 sdiv", asm.SDiv.Imm(asm.R1, -3)],
  ["ALU64 movsx", asm.MovSX16.Reg(asm.R1, asm.R2)],
  ["ALU end", asm.ToBE(asm.R2, asm.Word)],
  ["ALU64 bswap", asm.BSwap(asm.R2, asm.DWord)],
  ["JMP", asm.JSGE.Imm(asm.R3, -7, -5)],
  ["JMP reg", asm.JSet.Reg(asm.R3, asm.R4, 100)],
  ["JMP call", asm.FnTracePrintk.Call()],
  ["JMP kfunc", asm.CallKfunc(123456, 2)],
  ["JMP exit", asm.Return()],
  ["JMP32", asm.JLT.Reg32(asm.R1, asm.R2, 3)],
  ["JMP32 gotol", asm.JA.Long(70000)],
];

describe("marshalInstructions / unmarshalInstructions", () => {
  for (const order of orders) {
    it(`round-trips every instruction class (${order} endian)`, () => {
      const insns = everyClass.map(([, insn]) => insn);
      const bytes = asm.marshalInstructions(insns, order);
      expect(bytes.length).toBe(asm.instructionSlots(insns) * 8);
      const decoded = asm.unmarshalInstructions(bytes, order);
      expect(decoded).toHaveLength(insns.length);
      decoded.forEach((got, i) => {
        const want = insns[i]!;
        expect({ name: everyClass[i]![0], ...fields(got) }).toEqual({ name: everyClass[i]![0], ...fields(want) });
      });
      expect(asm.marshalInstructions(decoded, order)).toEqual(bytes);
    });
  }

  it("lays out fields as the kernel reads them", () => {
    const insn = asm.JSGE.Imm(asm.R3, -7, -5);
    expect(hex(asm.marshalInstructions([insn], "little"))).toBe("7503fbfff9ffffff");
    expect(hex(asm.marshalInstructions([insn], "big"))).toBe("7530fffbfffffff9");
    const reg = asm.LoadMem(asm.R4, asm.R10, -12, asm.Word);
    expect(hex(asm.marshalInstructions([reg], "little"))).toBe("61a4f4ff00000000");
    expect(hex(asm.marshalInstructions([reg], "big"))).toBe("614afff400000000");
  });

  it("encodes lddw as 16 bytes with the upper half of the immediate in the second slot", () => {
    const insn = asm.LoadImm(asm.R1, 0x1122334455667788n, asm.DWord);
    expect(hex(asm.marshalInstructions([insn], "little"))).toBe("18010000887766550000000044332211");
    expect(hex(asm.marshalInstructions([insn], "big"))).toBe("18100000556677880000000011223344");
    const value = asm.LoadMapValue(asm.R1, 5, 8);
    expect(value.constant).toBe((8n << 32n) | 5n);
    expect(hex(asm.marshalInstructions([value], "little"))).toBe("18210000050000000000000008000000");
  });

  it("decodes every opcode the instruction set defines and rejects every other byte", () => {
    let known = 0;
    for (let opcode = 0; opcode < 256; opcode++) {
      const bytes = new Uint8Array(opcode === 0x18 ? 16 : 8);
      bytes[0] = opcode;
      // Immediates that are valid wherever the opcode needs a particular one.
      const view = new DataView(bytes.buffer);
      if ((opcode & 0xf0) === 0xd0 && ((opcode & 7) === 4 || (opcode & 7) === 7)) view.setInt32(4, 16, true);
      if ((opcode & 0xe7) === 0xc3) view.setInt32(4, asm.AtomicOp.LOAD_ACQ, true);
      if (asm.isKnownOpcode(opcode)) {
        known++;
        for (const order of orders) {
          const copy = order === "little" ? bytes : toBigEndianSlots(bytes);
          const insns = asm.unmarshalInstructions(copy, order);
          expect(insns).toHaveLength(1);
          expect(asm.marshalInstructions(insns, order)).toEqual(copy);
        }
      } else {
        const err = catchError(() => asm.unmarshalInstructions(bytes, "little"));
        expect(err).toBeInstanceOf(asm.InstructionError);
        expect(err).toBeInstanceOf(ArgumentError);
        expect((err as asm.InstructionError).index).toBe(0);
        expect((err as Error).message).toContain(`unknown opcode 0x${opcode.toString(16).padStart(2, "0")}`);
      }
    }
    // LD: lddw + 6 packet loads; LDX: 4 + 3 sign-extending; ST 4; STX: 4 + 4 atomic;
    // ALU: 14 ops x 2 sources - neg|X; ALU64: that - end|X; JMP: 11 conditions x 2 + ja, call,
    // exit, may_goto; JMP32: 11 x 2 + gotol.
    expect(known).toBe(7 + 7 + 4 + 8 + 27 + 26 + 26 + 23);
  });

  it("reports the index of the bad instruction", () => {
    const good = asm.marshalInstructions([asm.Mov.Imm(asm.R0, 0), asm.LoadImm(asm.R1, 1n, asm.DWord)], "little");
    const bytes = new Uint8Array(good.length + 8);
    bytes.set(good);
    bytes[good.length] = 0xff;
    const err = catchError(() => asm.unmarshalInstructions(bytes, "little")) as asm.InstructionError;
    expect(err).toBeInstanceOf(asm.InstructionError);
    expect(err.index).toBe(2);
    expect(err.message).toBe("instruction 2: unknown opcode 0xff");
  });

  it("rejects a length that is not a multiple of 8", () => {
    const err = catchError(() => asm.unmarshalInstructions(new Uint8Array(12), "little")) as asm.InstructionError;
    expect(err).toBeInstanceOf(asm.InstructionError);
    expect(err.message).toMatch(/12 bytes is not a multiple of the 8-byte instruction size/);
  });

  it("rejects a truncated lddw", () => {
    const bytes = new Uint8Array(16);
    bytes[0] = 0x07; // r0 += 0
    bytes[8] = 0x18;
    const err = catchError(() => asm.unmarshalInstructions(bytes, "big")) as asm.InstructionError;
    expect(err).toBeInstanceOf(asm.InstructionError);
    expect(err.index).toBe(1);
    expect(err.message).toMatch(/truncated/);
  });

  it("rejects a lddw whose second slot is not blank", () => {
    const bytes = asm.marshalInstructions([asm.LoadImm(asm.R1, 1n, asm.DWord)], "little");
    bytes[8] = 0x07;
    expect(() => asm.unmarshalInstructions(bytes, "little")).toThrow(/second opcode/);
  });

  it("rejects registers above r10", () => {
    const bytes = asm.marshalInstructions([asm.Mov.Reg(asm.R1, asm.R2)], "little");
    bytes[1] = 0xb1; // src r11
    const err = catchError(() => asm.unmarshalInstructions(bytes, "little")) as asm.InstructionError;
    expect(err.message).toBe("instruction 0: source register 11 out of range (0-10)");
    bytes[1] = 0x0f; // dst r15
    expect(() => asm.unmarshalInstructions(bytes, "little")).toThrow(/destination register 15/);
    expect(() => asm.Mov.Reg(11, asm.R0)).toThrow(asm.InstructionError);
    expect(() => asm.Mov.Reg(asm.R0, -1)).toThrow(asm.InstructionError);
  });

  it("rejects unknown atomic operations and byte-swap widths", () => {
    const atomic = asm.marshalInstructions([asm.AtomicAdd(asm.R1, 0, asm.R2, asm.Word)], "little");
    atomic[4] = 0x02;
    expect(() => asm.unmarshalInstructions(atomic, "little")).toThrow(/instruction 0: unknown atomic operation 0x2/);
    expect(() => asm.AtomicAdd(asm.R1, 0, asm.R2, asm.Byte)).toThrow(/4- or 8-byte/);
    const swap = asm.marshalInstructions([asm.ToLE(asm.R1, asm.Half)], "little");
    swap[4] = 8;
    expect(() => asm.unmarshalInstructions(swap, "little")).toThrow(/byte swap width 8/);
  });

  it("rejects out-of-range fields when building", () => {
    expect(() => asm.Mov.Imm(asm.R0, 2 ** 32)).toThrow(/does not fit in 32 bits/);
    expect(() => asm.LoadImm(asm.R0, 2n ** 64n, asm.DWord)).toThrow(/does not fit in 64 bits/);
    expect(() => asm.LoadMem(asm.R0, asm.R1, 0x8000, asm.Word)).toThrow(/offset 32768/);
    expect(() => asm.Mov.Imm(asm.R0, 1.5)).toThrow(asm.InstructionError);
    expect(() => new asm.Instruction({ opcode: 0x100 })).toThrow(/unknown opcode 0x100/);
    expect(() => asm.unmarshalInstructions(new Uint8Array(8), "middle" as asm.ByteOrder)).toThrow(ArgumentError);
  });

  it("either round-trips or throws InstructionError on random bytes", () => {
    // Deterministic xorshift so a failure reproduces.
    let state = 0x2545f491;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    let decoded = 0;
    for (let round = 0; round < 4000; round++) {
      const bytes = new Uint8Array(8 * (1 + (next() % 4)));
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
      // Bias towards valid opcodes and registers so both outcomes are exercised.
      if (round % 2 === 0) {
        for (let at = 0; at < bytes.length; at += 8) bytes[at + 1]! &= 0x77;
      }
      const order = orders[round % 2]!;
      try {
        const insns = asm.unmarshalInstructions(bytes, order);
        decoded++;
        expect(asm.marshalInstructions(insns, order)).toEqual(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(asm.InstructionError);
      }
    }
    expect(decoded).toBeGreaterThan(50);
  });

  it("stores unsigned immediates as their signed value", () => {
    expect(asm.Mov.Imm32(asm.R0, 0xffffffff).constant).toBe(-1n);
    expect(asm.LoadImm(asm.R0, 0xffffffffffffffffn, asm.DWord).constant).toBe(-1n);
  });
});

function fields(insn: asm.Instruction) {
  return { opcode: insn.opcode, dst: insn.dst, src: insn.src, offset: insn.offset, constant: insn.constant };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

// Re-encodes little-endian slots (as built above: zero registers and offset) for big endian.
function toBigEndianSlots(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let pos = 0; pos < bytes.length; pos += 8) {
    const imm = new DataView(bytes.buffer, bytes.byteOffset + pos + 4, 4).getInt32(0, true);
    new DataView(out.buffer, pos + 4, 4).setInt32(0, imm, false);
  }
  return out;
}

import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import * as asm from "../../src/asm/index.js";

describe("builders", () => {
  it("build the encodings cilium/ebpf's builders do", () => {
    const cases: [asm.Instruction, Partial<Record<"opcode" | "dst" | "src" | "offset", number>> & { constant?: bigint }][] = [
      [asm.Mov.Imm(asm.R0, 42), { opcode: 0xb7, dst: 0, constant: 42n }],
      [asm.Mov.Reg(asm.R1, asm.R2), { opcode: 0xbf, dst: 1, src: 2 }],
      [asm.Add.Imm32(asm.R3, -1), { opcode: 0x04, dst: 3, constant: -1n }],
      [asm.Sub.Reg32(asm.R3, asm.R4), { opcode: 0x1c, dst: 3, src: 4 }],
      [asm.SDiv.Imm(asm.R1, 3), { opcode: 0x37, offset: 1, constant: 3n }],
      [asm.SMod.Reg32(asm.R1, asm.R2), { opcode: 0x9c, offset: 1, src: 2 }],
      [asm.MovSX32.Reg(asm.R1, asm.R2), { opcode: 0xbf, offset: 32, src: 2 }],
      [asm.Neg.Imm(asm.R5), { opcode: 0x87, dst: 5 }],
      [asm.ToLE(asm.R1, asm.Half), { opcode: 0xd4, constant: 16n }],
      [asm.ToBE(asm.R1, asm.DWord), { opcode: 0xdc, constant: 64n }],
      [asm.BSwap(asm.R1, asm.Word), { opcode: 0xd7, constant: 32n }],
      [asm.JEq.Imm(asm.R0, 0, 5), { opcode: 0x15, offset: 5 }],
      [asm.JGT.Reg32(asm.R1, asm.R2, -2), { opcode: 0x2e, dst: 1, src: 2, offset: -2 }],
      [asm.JA.Label("x"), { opcode: 0x05, offset: -1 }],
      [asm.JA.Long("x"), { opcode: 0x06, constant: -1n }],
      [asm.MayGoto(2), { opcode: 0xe5, offset: 2 }],
      [asm.LoadMem(asm.R0, asm.R1, 8, asm.Word), { opcode: 0x61, dst: 0, src: 1, offset: 8 }],
      [asm.LoadMemSX(asm.R0, asm.R1, 8, asm.Byte), { opcode: 0x91, dst: 0, src: 1, offset: 8 }],
      [asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord), { opcode: 0x7b, dst: 10, src: 1, offset: -8 }],
      [asm.StoreImm(asm.RFP, -2, 7, asm.Half), { opcode: 0x6a, dst: 10, offset: -2, constant: 7n }],
      [asm.LoadImm(asm.R0, 1n << 40n, asm.DWord), { opcode: 0x18, constant: 1n << 40n }],
      [asm.LoadMapPtr(asm.R1, 5), { opcode: 0x18, dst: 1, src: asm.PseudoLoad.MapFD, constant: 5n }],
      [asm.LoadMapPtr(asm.R1, { fd: 6 }), { opcode: 0x18, src: 1, constant: 6n }],
      [asm.LoadMapValue(asm.R1, { fd: 6 }, 4), { opcode: 0x18, src: 2, constant: (4n << 32n) | 6n }],
      [asm.LoadFuncPtr(asm.R2, "cb"), { opcode: 0x18, dst: 2, src: 4 }],
      [asm.LoadAbs(12, asm.Half), { opcode: 0x28, constant: 12n }],
      [asm.LoadInd(asm.R0, asm.R7, 0, asm.Word), { opcode: 0x40, src: 7 }],
      [asm.AtomicAdd(asm.R1, 0, asm.R2, asm.Word), { opcode: 0xc3, constant: 0n }],
      [asm.AtomicFetchAdd(asm.R1, 0, asm.R2, asm.DWord), { opcode: 0xdb, constant: 1n }],
      [asm.AtomicOr(asm.R1, 0, asm.R2, asm.DWord), { opcode: 0xdb, constant: 0x40n }],
      [asm.AtomicFetchAnd(asm.R1, 0, asm.R2, asm.DWord), { opcode: 0xdb, constant: 0x51n }],
      [asm.AtomicXor(asm.R1, 0, asm.R2, asm.DWord), { opcode: 0xdb, constant: 0xa0n }],
      [asm.AtomicXchg(asm.R1, 0, asm.R2, asm.DWord), { opcode: 0xdb, constant: 0xe1n }],
      [asm.AtomicCmpXchg(asm.R1, 0, asm.R2, asm.Word), { opcode: 0xc3, constant: 0xf1n }],
      [asm.LoadAcquire(asm.R0, asm.R1, 0, asm.Half), { opcode: 0xcb, dst: 0, src: 1, constant: 0x100n }],
      [asm.StoreRelease(asm.R1, 0, asm.R2, asm.Byte), { opcode: 0xd3, dst: 1, src: 2, constant: 0x110n }],
      [asm.Return(), { opcode: 0x95 }],
      [asm.Call(asm.FnMapLookupElem), { opcode: 0x85, src: 0, constant: 1n }],
      [asm.FnMapLookupElem.Call(), { opcode: 0x85, src: 0, constant: 1n }],
      [asm.Call(12), { opcode: 0x85, constant: 12n }],
      [asm.CallLabel("sub"), { opcode: 0x85, src: asm.PseudoCall.Call, constant: -1n }],
      [asm.CallKfunc(777, 3), { opcode: 0x85, src: asm.PseudoCall.KfuncCall, offset: 3, constant: 777n }],
    ];
    for (const [insn, want] of cases) {
      expect({ text: String(insn), ...pick(insn, want) }).toEqual({ text: String(insn), ...want });
    }
  });

  it("rejects sizes and operands an instruction cannot have", () => {
    expect(() => asm.LoadImm(asm.R0, 1, asm.Word)).toThrow(ArgumentError);
    expect(() => asm.LoadAbs(0, asm.DWord)).toThrow(ArgumentError);
    expect(() => asm.LoadMemSX(asm.R0, asm.R1, 0, asm.DWord)).toThrow(ArgumentError);
    expect(() => asm.BSwap(asm.R0, asm.Byte)).toThrow(ArgumentError);
    expect(() => asm.LoadMem(asm.R0, asm.R1, 0, 0x20 as asm.Size)).toThrow(ArgumentError);
    expect(() => asm.MovSX32.Reg32(asm.R0, asm.R1)).toThrow(asm.InstructionError);
    expect(() => asm.LoadMapPtr(asm.R1, -1)).toThrow(ArgumentError);
    expect(() => asm.LoadMapPtr(asm.R1, {} as { fd: number })).toThrow(ArgumentError);
    expect(() => asm.JA.Label("")).toThrow(ArgumentError);
  });

  it("keeps instructions immutable", () => {
    const insn = asm.Mov.Imm(asm.R0, 1);
    const labelled = insn.withSymbol("entry").withReference("target");
    expect(insn.symbol).toBeUndefined();
    expect(labelled.symbol).toBe("entry");
    expect(labelled.reference).toBe("target");
    expect(labelled.withSymbol(undefined).symbol).toBeUndefined();
    expect(labelled.with({ constant: 2 }).constant).toBe(2n);
    expect(labelled.with({ constant: 2 }).symbol).toBe("entry");
  });

  it("classifies instructions", () => {
    expect(asm.LoadMapPtr(asm.R1, 3).isLoadFromMap()).toBe(true);
    expect(asm.LoadImm(asm.R1, 3, asm.DWord).isLoadFromMap()).toBe(false);
    expect(asm.LoadFuncPtr(asm.R1, "f").isLoadOfFunctionPointer()).toBe(true);
    expect(asm.CallLabel("f").isFunctionCall()).toBe(true);
    expect(asm.CallLabel("f").isBuiltinCall()).toBe(false);
    expect(asm.CallKfunc(1).isKfuncCall()).toBe(true);
    expect(asm.FnTailCall.Call().isBuiltinCall()).toBe(true);
    expect(asm.Return().isExit()).toBe(true);
    expect(asm.Return().isJump()).toBe(false);
    expect(asm.JA.Long(3).isJump()).toBe(true);
    expect(asm.LoadImm(asm.R1, 3, asm.DWord).slots).toBe(2);
  });
});

describe("helper table", () => {
  it("numbers every helper of linux/bpf.h in enum order", () => {
    expect(asm.builtinFuncs).toHaveLength(212);
    asm.builtinFuncs.forEach((fn, id) => expect(fn.id).toBe(id));
    expect(asm.FnUnspec.id).toBe(0);
    expect(asm.FnMapLookupElem.id).toBe(1);
    expect(asm.FnTailCall.id).toBe(12);
    expect(asm.FnPerfEventOutput.id).toBe(25);
    expect(asm.FnRingbufOutput.id).toBe(130);
    expect(asm.FnLoop.id).toBe(181);
    expect(asm.FnUserRingbufDrain.id).toBe(209);
    expect(asm.FnCgrpStorageDelete.id).toBe(211);
    expect(String(asm.FnGetCurrentPidTgid)).toBe("FnGetCurrentPidTgid");
    expect(asm.FnGetCurrentPidTgid.helperName).toBe("bpf_get_current_pid_tgid");
    expect(asm.FnRingbufOutput.minKernel).toBe("5.8");
  });
});

describe("assemble", () => {
  it("resolves jumps, calls and function pointers, counting lddw as two slots", () => {
    const prog = asm.assemble([
      asm.Mov.Imm(asm.R0, 0).withSymbol("main"),
      asm.JEq.Imm(asm.R1, 0, "out"),
      asm.LoadImm(asm.R2, 1n << 40n, asm.DWord),
      asm.LoadFuncPtr(asm.R3, "callback"),
      asm.CallLabel("callback"),
      asm.LoadMapPtr(asm.R1, 0).withReference("some_map"),
      asm.JA.Label("out"),
      asm.JA.Long("main"),
      asm.Return().withSymbol("out"),
      asm.Mov.Imm(asm.R0, 1).withSymbol("callback"),
      asm.JNE.Reg32(asm.R1, asm.R2, "callback"),
      asm.Return(),
    ]);
    // Slots: main 0, jeq 1, lddw 2-3, funcptr 4-5, call 6, map 7-8, ja 9, gotol 10, out 11,
    // callback 12, jne 13, exit 14.
    expect(prog[1]!.offset).toBe(11 - 2);
    // A function pointer counts from its first slot plus one: the kernel's i + imm + 1.
    expect(prog[3]!.constant).toBe(BigInt(12 - 4 - 1));
    expect(prog[4]!.constant).toBe(BigInt(12 - 7));
    expect(prog[5]!.constant).toBe(0n);
    expect(prog[5]!.reference).toBe("some_map");
    expect(prog[6]!.offset).toBe(11 - 10);
    expect(prog[7]!.constant).toBe(BigInt(0 - 11));
    expect(prog[10]!.offset).toBe(12 - 14);
    expect(prog[1]!.reference).toBe("out");
    expect(asm.symbolOffsets(prog)).toEqual(new Map([["main", 0], ["out", 11], ["callback", 12]]));
    // What the kernel sees: decode the bytes and disassemble.
    const text = asm.disassemble(asm.unmarshalInstructions(asm.marshalInstructions(prog, "big"), "big"));
    expect(text).toContain("       1:\tif r1 == 0 goto +9\n");
    expect(text).toContain("      13:\tif w1 != w2 goto -2\n");
  });

  it("reports unknown and duplicate labels with the instruction index", () => {
    const unknown = () => asm.assemble([asm.Mov.Imm(asm.R0, 0), asm.JA.Label("nowhere"), asm.Return()]);
    expect(unknown).toThrow(asm.InstructionError);
    expect(unknown).toThrow('instruction 1: reference to unknown label "nowhere"');
    const duplicate = () => asm.assemble([asm.Return().withSymbol("a"), asm.Return().withSymbol("a")]);
    expect(duplicate).toThrow('instruction 1: duplicate symbol "a"');
    expect(() => asm.assemble([asm.CallLabel("missing")])).toThrow(/unknown label "missing"/);
  });

  it("rejects a jump beyond the 16-bit offset", () => {
    const body = Array.from({ length: 0x8000 }, () => asm.Mov.Imm(asm.R0, 0));
    const far = [asm.JA.Label("end"), ...body, asm.Return().withSymbol("end")];
    expect(() => asm.assemble(far)).toThrow(/exceeds the 16-bit offset/);
    const long = asm.assemble([asm.JA.Long("end"), ...body, asm.Return().withSymbol("end")]);
    expect(long[0]!.constant).toBe(0x8000n);
  });
});

function pick(insn: asm.Instruction, want: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(want)) out[key] = insn[key as keyof asm.Instruction];
  return out;
}

describe("instructionsTag", () => {
  // bpftool prog show reported tag a06399609c986b8f for this program (clang 14 output of
  // `__u32 k = 0; __u64 *v = bpf_map_lookup_elem(&m, &k); if (v) return *v; return 1;`),
  // loaded by libbpf on Linux 6.18.
  const prog = (fd: number) =>
    asm.assemble([
      asm.Mov.Imm32(asm.R1, 0),
      asm.StoreMem(asm.RFP, -4, asm.R1, asm.Word),
      asm.Mov.Reg(asm.R2, asm.RFP),
      asm.Add.Imm(asm.R2, -4),
      asm.LoadMapPtr(asm.R1, fd),
      asm.FnMapLookupElem.Call(),
      asm.Mov.Reg(asm.R1, asm.R0),
      asm.Mov.Imm32(asm.R0, 1),
      asm.JEq.Imm(asm.R1, 0, "out"),
      asm.LoadMem(asm.R0, asm.R1, 0, asm.DWord),
      asm.Return().withSymbol("out"),
    ]);

  it("matches the tag Linux 6.18 reports", () => {
    expect(asm.instructionsTag(prog(5), { hash: "sha256", byteOrder: "little" })).toBe("a06399609c986b8f");
  });

  it("does not depend on map fds", () => {
    for (const hash of ["sha1", "sha256"] as const) {
      expect(asm.instructionsTag(prog(3), { hash })).toBe(asm.instructionsTag(prog(300), { hash }));
    }
    expect(asm.instructionsTag(prog(3), { hash: "sha1" })).not.toBe(asm.instructionsTag(prog(3), { hash: "sha256" }));
  });
});

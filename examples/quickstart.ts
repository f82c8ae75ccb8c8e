// The README's quick start, runnable as `npm run example` (as root).
import * as asm from "ebpf/asm";
import { MapType, newMap, newProgram, ProgramType } from "ebpf";

// A hash map from u32 to u64.
using counts = newMap({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1024, name: "counts" });
counts.update(1, 10n);
counts.update(2, 20n);
console.log("lookup(1) =", new DataView(counts.lookup(1)!.buffer).getBigUint64(0, true));
for (const [key, value] of counts.entries()) {
  console.log(`key ${new DataView(key.buffer).getUint32(0, true)} -> ${new DataView(value.buffer).getBigUint64(0, true)}`);
}

// An XDP program that returns the low 32 bits of counts[1], built with the assembler.
using prog = newProgram({
  type: ProgramType.XDP,
  name: "quickstart",
  license: "GPL",
  instructions: [
    asm.StoreImm(asm.RFP, -4, 1, asm.Word), // the key, 1, on the stack
    asm.Mov.Reg(asm.R2, asm.RFP),
    asm.Add.Imm(asm.R2, -4),
    asm.LoadMapPtr(asm.R1, counts),
    asm.FnMapLookupElem.Call(),
    asm.JEq.Imm(asm.R0, 0, "missing"),
    asm.LoadMem(asm.R0, asm.R0, 0, asm.Word),
    asm.Return(),
    asm.Mov.Imm(asm.R0, 0).withSymbol("missing"),
    asm.Return(),
  ],
});
const { retval, duration } = prog.run({ data: new Uint8Array(64) });
console.log(`program returned ${retval} in ${duration} ns`);

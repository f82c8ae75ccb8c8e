// Decode round trip over cilium/ebpf's own test objects (clang 22, both byte orders): every
// program section must decode without error and re-encode to identical bytes.
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { codeSections } from "./asm-objects.js";

const dir = new URL("../../../shared/peer-testdata/cilium-ebpf/testdata/", import.meta.url).pathname;
const present = existsSync(dir);
const objects = present ? readdirSync(dir).filter((f) => /-(el|eb)\.elf$/.test(f)).sort() : [];

const title = present
  ? "decode round trip over cilium/ebpf's test objects"
  : `decode round trip over cilium/ebpf's test objects (skipped: ${dir} is absent)`;

describe.skipIf(!present)(title, () => {
  it("has objects in both byte orders", () => {
    expect(objects.filter((f) => f.endsWith("-el.elf")).length).toBeGreaterThan(10);
    expect(objects.filter((f) => f.endsWith("-eb.elf")).length).toBe(objects.filter((f) => f.endsWith("-el.elf")).length);
    // Some objects only define maps; together they still hold plenty of programs.
    const sections = objects.flatMap((f) => codeSections(`${dir}${f}`).sections);
    expect(sections.length).toBeGreaterThan(50);
  });

  for (const obj of objects) {
    it(obj, () => {
      const { byteOrder, sections } = codeSections(`${dir}${obj}`);
      expect(byteOrder).toBe(obj.endsWith("-el.elf") ? "little" : "big");
      for (const section of sections) {
        const reencoded = asm.marshalInstructions(section.insns, byteOrder);
        expect({ section: section.name, equal: Buffer.compare(reencoded, section.bytes) === 0 }).toEqual({
          section: section.name,
          equal: true,
        });
        expect(asm.instructionSlots(section.insns) * 8).toBe(section.bytes.length);
        // Every instruction also has a text form.
        for (const insn of section.insns) expect(asm.formatInstruction(insn)).not.toBe("");
      }
    });
  }

  it("decodes the -el and -eb build of each object to the same instructions", () => {
    for (const el of objects.filter((f) => f.endsWith("-el.elf"))) {
      const eb = el.replace(/-el\.elf$/, "-eb.elf");
      const a = codeSections(`${dir}${el}`).sections;
      const b = codeSections(`${dir}${eb}`).sections;
      expect(b.map((s) => s.name)).toEqual(a.map((s) => s.name));
      a.forEach((section, i) => {
        const textA = asm.disassemble(section.insns);
        const textB = asm.disassemble(b[i]!.insns);
        expect({ obj: el, section: section.name, text: textB }).toEqual({ obj: el, section: section.name, text: textA });
      });
    }
  });
});

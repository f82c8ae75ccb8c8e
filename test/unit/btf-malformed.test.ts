import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatType,
  loadExtInfosFromBuffer,
  loadSpecFromBuffer,
  marshalSpec,
  typeAlign,
  typeSize,
  type ByteOrder,
  type Spec,
} from "../../src/btf/index.js";
import { BTFError } from "../../src/errors.js";
import { ElfFile } from "../../src/elf/index.js";

const PEER = join(import.meta.dirname, "../../../shared/peer-testdata/cilium-ebpf");
const VMLINUX = "/sys/kernel/btf/vmlinux";

/** Deterministic xorshift so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Parse and use everything; any failure must be a BTFError. */
function exercise(btf: Uint8Array, ext?: { bytes: Uint8Array; order: ByteOrder }): void {
  let spec: Spec;
  try {
    spec = loadSpecFromBuffer(btf);
  } catch (err) {
    expect(err).toBeInstanceOf(BTFError);
    return;
  }
  for (let id = 1; id < spec.nextId; id++) {
    try {
      const t = spec.typeByID(id);
      formatType(t);
      try {
        typeSize(t);
        typeAlign(t);
      } catch (err) {
        expect(err).toBeInstanceOf(BTFError);
      }
    } catch (err) {
      expect(err).toBeInstanceOf(BTFError);
    }
  }
  try {
    marshalSpec(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(BTFError);
  }
  if (ext !== undefined) {
    try {
      loadExtInfosFromBuffer(ext.bytes, ext.order, spec);
    } catch (err) {
      expect(err).toBeInstanceOf(BTFError);
    }
  }
}

function header(opts: { magic?: number; hdrLen?: number; typeOff?: number; typeLen?: number; strOff?: number; strLen?: number }, body: number[] = []): Uint8Array {
  const b = new Uint8Array(24 + body.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, opts.magic ?? 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, opts.hdrLen ?? 24, true);
  v.setUint32(8, opts.typeOff ?? 0, true);
  v.setUint32(12, opts.typeLen ?? 0, true);
  v.setUint32(16, opts.strOff ?? 0, true);
  v.setUint32(20, opts.strLen ?? 0, true);
  b.set(body, 24);
  return b;
}

/** Little-endian words then a string table. */
function raw(words: number[], strings: string): Uint8Array {
  const types = new Uint8Array(words.length * 4);
  const v = new DataView(types.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  const strs = new TextEncoder().encode(strings);
  return header({ typeLen: types.length, strOff: types.length, strLen: strs.length }, [...types, ...strs]);
}

describe("malformed BTF gives BTFError", () => {
  it.each([
    ["empty", new Uint8Array(0), /shorter than its 24-byte header/],
    ["bad magic", header({ magic: 0x1234 }), /bad BTF magic/],
    ["short header length", header({ hdrLen: 8 }), /header length 8/],
    ["type section past end", header({ typeLen: 100 }), /type section .* beyond end/],
    ["string section past end", header({ strOff: 4, strLen: 0xffffffff }), /string section .* beyond end/],
    ["unaligned type section", header({ typeOff: 2 }), /not 4-byte aligned/],
    ["unknown kind", raw([0, 31 << 24, 0], "\0"), /type id 1 \(kind 31\): unknown kind/],
    ["truncated record", raw([0, 1 << 24, 4], "\0"), /type id 1 \(int\): record needs 4 more bytes/],
    ["vlen past end", raw([0, (4 << 24) | 0xffff, 4], "\0"), /type id 1 \(struct\): record needs 786420 more bytes/],
    ["name beyond strings", raw([99, 2 << 24, 0], "\0"), /type id 1 \(pointer\): name offset 99 beyond/],
    ["dangling reference", raw([0, 2 << 24, 7], "\0"), /type id 1 \(pointer\): refers to type id 7, but the last id is 1/],
    ["bad int size", raw([1, 1 << 24, 3, 24], "\0a\0"), /invalid size 3/],
    ["unterminated strings", raw([], "\0abc"), /does not end with a NUL/],
    ["func of non-proto", raw([1, 12 << 24, 2, 0, 1 << 24, 4, 32], "\0f\0"), /type id 1 \(func\): type 2 is int, not func_proto/],
    ["decl tag on missing member", raw([1, 17 << 24, 2, 5, 1, (4 << 24) | 0, 0], "\0t\0"), /component index 5 invalid/],
  ])("%s", (_name, bytes, message) => {
    let err: unknown;
    try {
      const spec = loadSpecFromBuffer(bytes);
      for (const _ of spec.types());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BTFError);
    expect((err as Error).message).toMatch(message);
  });

  it("rejects the wrong expected byte order", () => {
    expect(() => loadSpecFromBuffer(raw([], "\0"), { byteOrder: "big" })).toThrow(/little-endian, expected big-endian/);
  });

  it("leaves no half-decoded types behind after an error", () => {
    const spec = loadSpecFromBuffer(raw([1, 12 << 24, 2, 0, 1 << 24, 4, 32], "\0f\0"));
    expect(() => spec.typeByID(1)).toThrow(BTFError);
    expect(() => spec.typeByID(1)).toThrow(BTFError);
    expect(spec.typeByID(2).kind).toBe(1);
  });
});

const tags = join(PEER, "btf/tags-el.elf");
const relocs = join(PEER, "btf/relocs-eb.elf");

describe.skipIf(!existsSync(tags))("fuzzed peer objects (skipped: ../shared/peer-testdata absent)", () => {
  for (const file of [tags, relocs]) {
    const elf = existsSync(file) ? ElfFile.parse(readFileSync(file)) : undefined;
    const btf = elf?.section(".BTF")?.data() ?? new Uint8Array();
    const ext = elf?.section(".BTF.ext")?.data() ?? new Uint8Array();
    const order = elf?.byteOrder ?? "little";
    const name = file.split("/").pop();

    it(`${name}: every truncation of .BTF`, () => {
      for (let n = 0; n < btf.length; n++) exercise(btf.slice(0, n));
    });

    it(`${name}: every bit flip in the header, 3000 random flips in the body`, () => {
      const next = rng(0x5eed);
      const flips: number[] = [];
      for (let bit = 0; bit < 24 * 8; bit++) flips.push(bit);
      for (let i = 0; i < 3000; i++) flips.push(next() % (btf.length * 8));
      for (const bit of flips) {
        const copy = btf.slice();
        copy[bit >> 3]! ^= 1 << (bit & 7);
        exercise(copy);
      }
    });

    it(`${name}: truncated and bit-flipped .BTF.ext`, () => {
      for (let n = 0; n < ext.length; n += 3) exercise(btf, { bytes: ext.slice(0, n), order });
      const next = rng(42);
      for (let i = 0; i < 3000; i++) {
        const copy = ext.slice();
        const bit = next() % (ext.length * 8);
        copy[bit >> 3]! ^= 1 << (bit & 7);
        exercise(btf, { bytes: copy, order });
      }
    });

    it(`${name}: random words overwritten`, () => {
      const next = rng(7);
      for (let i = 0; i < 500; i++) {
        const copy = btf.slice();
        const view = new DataView(copy.buffer);
        for (let k = 0; k < 3; k++) view.setUint32(24 + 4 * (next() % ((copy.length - 24) >> 2)), next(), order === "little");
        exercise(copy);
      }
    });
  }
});

describe.skipIf(!existsSync(VMLINUX))("fuzzed vmlinux header (skipped: no /sys/kernel/btf/vmlinux)", () => {
  const bytes = existsSync(VMLINUX) ? readFileSync(VMLINUX) : Buffer.alloc(0);

  it("every header bit flip and 40 truncations fail cleanly or parse", () => {
    for (let bit = 0; bit < 24 * 8; bit++) {
      const copy = new Uint8Array(bytes);
      copy[bit >> 3]! ^= 1 << (bit & 7);
      try {
        loadSpecFromBuffer(copy);
      } catch (err) {
        expect(err).toBeInstanceOf(BTFError);
      }
    }
    const next = rng(99);
    for (let i = 0; i < 40; i++) {
      expect(() => loadSpecFromBuffer(bytes.subarray(0, next() % bytes.length))).toThrow(BTFError);
    }
  });
});

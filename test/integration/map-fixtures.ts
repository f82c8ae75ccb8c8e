// Helpers shared by the map integration tests: a hand-encoded BTF blob for a spin-lock value,
// a trivial program for program arrays, and a temporary bpffs.
import { btfLoad } from "../../src/syscall/btf.js";
import { progLoad } from "../../src/syscall/prog.js";

const BTF_KIND_INT = 1;
const BTF_KIND_STRUCT = 4;

/**
 * BTF for `int` (id 1), `struct bpf_spin_lock { int val; }` (id 2) and
 * `struct data { int cnt; struct bpf_spin_lock l; }` (id 3).
 */
export { mountTempBpffs } from "../helpers/bpffs.js";

export function spinLockBTF(): Uint8Array {
  const strings = "\0int\0bpf_spin_lock\0val\0cnt\0l\0data\0";
  const s = (name: string): number => strings.indexOf(`\0${name}\0`) + 1;
  const words: number[] = [
    // [1] int: name, info, size, encoding (signed, 32 bits)
    s("int"), BTF_KIND_INT << 24, 4, (1 << 24) | 32,
    // [2] struct bpf_spin_lock, 1 member
    s("bpf_spin_lock"), (BTF_KIND_STRUCT << 24) | 1, 4,
    s("val"), 1, 0,
    // [3] struct data, 2 members
    s("data"), (BTF_KIND_STRUCT << 24) | 2, 8,
    s("cnt"), 1, 0,
    s("l"), 2, 32,
  ];
  const typeLen = words.length * 4;
  const strBytes = new TextEncoder().encode(strings);
  const out = new Uint8Array(new ArrayBuffer(24 + typeLen + strBytes.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xeb9f, true);
  view.setUint8(2, 1);
  view.setUint32(4, 24, true);
  view.setUint32(8, 0, true);
  view.setUint32(12, typeLen, true);
  view.setUint32(16, typeLen, true);
  view.setUint32(20, strBytes.length, true);
  words.forEach((w, i) => view.setUint32(24 + i * 4, w >>> 0, true));
  out.set(strBytes, 24 + typeLen);
  return out;
}

/** Load {@link spinLockBTF}; returns the BTF fd. */
export function loadSpinLockBTF(): number {
  return btfLoad(spinLockBTF());
}

/** A socket filter `r0 = 0; exit`; returns its fd. */
export function loadTrivialProgram(): number {
  const insns = new Uint8Array(new ArrayBuffer(16));
  insns[0] = 0xb7; // mov64 r0, imm 0
  insns[8] = 0x95; // exit
  return progLoad({ progType: 1, insns, license: "GPL" });
}

/** A u32 / u64 read helper. */
export function u32(bytes: Uint8Array, off = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(off, true);
}

export function u64(bytes: Uint8Array, off = 0): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(off, true);
}

/** Little-endian bytes of a u32 / u64. */
export function le32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

export function le64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

/**
 * Growable byte buffers used when marshalling BTF: a word writer and a deduplicating string
 * table builder.
 *
 * @module
 */

import { BTFError } from "../errors.js";

/**
 * Appends 32-bit words in a fixed byte order.
 *
 * @example
 * ```ts
 * import { WordWriter } from "ebpf/btf";
 * const w = new WordWriter(true);
 * w.u32(0xeb9f);
 * w.bytes(); // Uint8Array [0x9f, 0xeb, 0, 0]
 * ```
 */
export class WordWriter {
  #buf = new Uint8Array(4096);
  #view = new DataView(this.#buf.buffer);
  #len = 0;
  constructor(readonly le: boolean) {}

  get length(): number {
    return this.#len;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u32(v: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#len, v >>> 0, this.le);
    this.#len += 4;
  }

  u16(v: number): void {
    this.#reserve(2);
    this.#view.setUint16(this.#len, v, this.le);
    this.#len += 2;
  }

  u8(v: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = v;
  }

  raw(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** A copy of the bytes written so far. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/**
 * Builds a BTF string section: offset 0 is `""`, equal strings share one offset.
 *
 * @example
 * ```ts
 * import { StringTableBuilder } from "ebpf/btf";
 * const sb = new StringTableBuilder();
 * sb.add("int"); // 1
 * sb.add("int"); // 1
 * ```
 */
export class StringTableBuilder {
  readonly #offsets = new Map<string, number>([["", 0]]);
  // One growing buffer, strings encoded straight into it: no allocation per string. Only the
  // bytes written are ever read, so the buffer need not be zeroed.
  #buf = Buffer.allocUnsafe(1024);
  #len = 1;

  constructor() {
    this.#buf[0] = 0;
  }

  /**
   * The offset of `s`, adding it if new.
   *
   * @throws {BTFError} when `s` contains a NUL character.
   */
  add(s: string): number {
    const known = this.#offsets.get(s);
    if (known !== undefined) return known;
    if (s.includes("\0")) throw new BTFError(`string ${JSON.stringify(s)} contains a NUL character`);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, plus the NUL.
    const room = s.length * 3 + 1;
    if (this.#len + room > this.#buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + room));
      this.#buf.copy(next, 0, 0, this.#len);
      this.#buf = next;
    }
    const off = this.#len;
    this.#len += this.#buf.write(s, off, "utf8");
    this.#buf[this.#len++] = 0;
    this.#offsets.set(s, off);
    return off;
  }

  get length(): number {
    return this.#len;
  }

  /** The offset of every string added so far (and of `""`). */
  get offsets(): ReadonlyMap<string, number> {
    return this.#offsets;
  }

  /** The section bytes. */
  bytes(): Uint8Array {
    return new Uint8Array(this.#buf.subarray(0, this.#len));
  }
}

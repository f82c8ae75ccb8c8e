/**
 * The BTF string table: NUL-terminated strings addressed by byte offset. Split BTF continues the
 * offsets of its base's table.
 *
 * @module
 */

import { isAscii } from "node:buffer";
import { BTFError } from "../errors.js";

/**
 * A read-only BTF string section. An ASCII table is decoded once, as a whole, on first lookup.
 *
 * @example
 * ```ts
 * import { StringTable } from "ebpf/btf";
 * const st = new StringTable(new TextEncoder().encode("\0int\0"));
 * st.lookup(1); // "int"
 * ```
 */
export class StringTable {
  /** Offset of the first byte of this table; the base's length for split BTF. */
  readonly firstOffset: number;
  readonly #bytes: Buffer;
  readonly #base: StringTable | undefined;
  // The whole table as one string when it is pure ASCII (the usual case): lookups are then cheap
  // substrings instead of one native decode call each. null: not ASCII, decode per lookup.
  // Converted only once enough lookups would pay for it: a load looks up a few thousand of
  // vmlinux's 2 MB of strings.
  #text: string | null | undefined;
  #lookups = 0;

  /**
   * @param bytes the string section, ending with a NUL byte.
   * @param base the base BTF's strings, for split BTF.
   */
  constructor(bytes: Uint8Array, base?: StringTable) {
    this.#base = base;
    this.firstOffset = base === undefined ? 0 : base.end;
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0) {
      throw new BTFError("string section does not end with a NUL byte");
    }
    if (base === undefined && bytes.length > 0 && bytes[0] !== 0) {
      throw new BTFError("string section does not start with a NUL byte");
    }
  }

  /** One past the last valid offset, counting the base's strings. */
  get end(): number {
    return this.firstOffset + this.#bytes.length;
  }

  /** Bytes of this table alone (without the base). */
  get length(): number {
    return this.#bytes.length;
  }

  /**
   * The raw bytes of this table alone (without the base), for scans that compare names without
   * decoding them. Do not modify them.
   *
   * @example
   * ```ts
   * import { StringTable } from "ebpf/btf";
   * const st = new StringTable(new TextEncoder().encode("\0int\0"));
   * st.ownBytes[1]; // 0x69 ("i")
   * ```
   */
  get ownBytes(): Uint8Array {
    return this.#bytes;
  }

  /** The base BTF's strings, for split BTF; undefined otherwise. */
  get base(): StringTable | undefined {
    return this.#base;
  }

  /**
   * The string at `offset`. Offset 0 is always `""`.
   *
   * @throws {BTFError} when `offset` is outside the table.
   */
  lookup(offset: number): string {
    if (offset < this.firstOffset) {
      if (this.#base !== undefined) return this.#base.lookup(offset);
    }
    const local = offset - this.firstOffset;
    if (local === 0 && this.#base === undefined) return "";
    if (local < 0 || local >= this.#bytes.length) {
      throw new BTFError(`string offset ${offset} out of range (string table ends at ${this.end})`);
    }
    const text = this.#wholeText();
    if (text !== undefined && text !== null) return text.substring(local, text.indexOf("\0", local));
    return this.#bytes.toString("utf8", local, this.#bytes.indexOf(0, local));
  }

  // The table as one string once enough lookups have been made to pay for converting it.
  #wholeText(): string | null | undefined {
    if (this.#text === undefined && ++this.#lookups > this.#bytes.length >>> 8) {
      this.#text = isAscii(this.#bytes) ? this.#bytes.toString("latin1") : null;
    }
    return this.#text;
  }

  /**
   * Whether the string at `offset` is `s`, without decoding it on its own (a loader checks
   * hundreds of line records against the table this way): against the bytes, or against the
   * whole table once it has been decoded for lookups. False for an offset outside the table.
   *
   * @example
   * ```ts
   * import { StringTable } from "ebpf/btf";
   * const st = new StringTable(new TextEncoder().encode("\0int\0"));
   * st.matches(1, "int"); // true
   * ```
   */
  matches(offset: number, s: string): boolean {
    if (offset < this.firstOffset) return this.#base !== undefined && this.#base.matches(offset, s);
    const local = offset - this.firstOffset;
    const bytes = this.#bytes;
    // s and its NUL, with at least a byte per UTF-16 unit.
    if (local + s.length >= bytes.length) return false;
    const text = this.#wholeText();
    // An ASCII table: a substring compares natively, several times faster than a loop over the
    // bytes, and a non-ASCII s differs from every substring, as it should.
    if (text !== undefined && text !== null) {
      return text.charCodeAt(local + s.length) === 0 && text.slice(local, local + s.length) === s && !s.includes("\0");
    }
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // Beyond ASCII, UTF-8 bytes and UTF-16 units differ: compare decoded.
      if (c > 0x7f) return this.lookup(offset) === s;
      if (c === 0 || bytes[local + i] !== c) return false;
    }
    return bytes[local + s.length] === 0;
  }

  /**
   * Whether `offset` is a valid offset into this table or its base.
   */
  has(offset: number): boolean {
    return offset >= 0 && offset < this.end;
  }

  /**
   * Every string of this table (not the base), with its offset, in order.
   *
   * @example
   * ```ts
   * import { StringTable } from "ebpf/btf";
   * const st = new StringTable(new TextEncoder().encode("\0a\0b\0"));
   * [...st.entries()]; // [[0, ""], [1, "a"], [3, "b"]]
   * ```
   */
  *entries(): IterableIterator<[number, string]> {
    let i = 0;
    while (i < this.#bytes.length) {
      const nul = this.#bytes.indexOf(0, i);
      yield [this.firstOffset + i, this.#bytes.toString("utf8", i, nul)];
      i = nul + 1;
    }
  }
}

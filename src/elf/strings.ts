/**
 * ELF string tables: NUL-terminated names addressed by byte offset.
 *
 * @module
 */

import { Buffer, isAscii } from "node:buffer";
import { ELFError } from "../errors.js";
import { hex } from "./bytes.js";

/**
 * A string table's bytes and a description of it for error messages.
 *
 * @example
 * ```ts
 * const strtab = new StringTable(section.data(), 'section 1 (".strtab")');
 * const name = strtab.get(sym.nameOffset, "symbol", 3);
 * ```
 */
export class StringTable {
  /** A `Buffer` view of the same bytes, for its native UTF-8 decoding. */
  private readonly buf: Buffer;
  // The whole table as one string when it is ASCII (symbol and section names nearly always are):
  // a name is then a substring, not a native decode call. Made once enough lookups pay for it,
  // so a few names out of a large binary's table are still decoded one by one.
  private text: string | null | undefined;
  private lookups = 0;

  constructor(
    bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Returns the NUL-terminated string at `offset`. Throws an `ELFError` naming the user
   * (`${user} ${index}`, built only on failure) when the offset is outside the table or the
   * string has no terminating NUL.
   *
   * @example
   * ```ts
   * const name = strtab.get(5, "section", 2);
   * ```
   */
  get(offset: number, user: string, index: number): string {
    const buf = this.buf;
    if (offset >= buf.length) {
      throw new ELFError(
        `${user} ${index}: name offset ${hex(offset)} beyond end of ${this.what} (${hex(buf.length)} bytes)`,
      );
    }
    if (this.text === undefined && ++this.lookups > buf.length >>> 8) {
      this.text = isAscii(buf) ? buf.toString("latin1") : null;
    }
    const text = this.text ?? null;
    const end = text !== null ? text.indexOf("\0", offset) : buf.indexOf(0, offset);
    if (end < 0) {
      throw new ELFError(`${user} ${index}: name at offset ${hex(offset)} in ${this.what} is not NUL-terminated`);
    }
    return text !== null ? text.substring(offset, end) : buf.toString("utf8", offset, end);
  }
}

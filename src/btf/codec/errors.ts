/**
 * The error a codec throws for a value it cannot encode or bytes it cannot decode.
 *
 * @module
 */
import { ArgumentError } from "../../errors.js";

/**
 * A value that does not match its BTF type (a missing member, a number out of range, a string too
 * long for its `char` array), or a buffer too short to decode. `path` names the member, as C
 * would write it (`addr.sin_port`, `comm`, `slots[3].pid`); it is empty for the value itself.
 *
 * @example
 * ```ts
 * import { CodecError } from "ebpf/btf";
 * try { codec.encode({ pid: -1 }); } catch (err) {
 *   if (err instanceof CodecError) console.error(err.path, err.reason);
 * }
 * ```
 */
export class CodecError extends ArgumentError {
  override name = "CodecError";

  constructor(
    /** The member the problem is in, `""` for the value itself. */
    readonly path: string,
    /** What is wrong, without the path. */
    readonly reason: string,
    /** What the codec is for (`struct event`), prefixed to the message once known. */
    readonly typeLabel = "",
  ) {
    super(`${typeLabel ? `${typeLabel}: ` : ""}${path ? `${path}: ` : ""}${reason}`);
  }

  /**
   * This error one member further out: `seg` is a member name or an `[index]`.
   *
   * @example
   * ```ts
   * throw err.within("addr"); // "port: ..." becomes "addr.port: ..."
   * ```
   */
  within(seg: string): CodecError {
    if (seg === "") return this;
    const path = this.path === "" ? seg : this.path.startsWith("[") ? seg + this.path : `${seg}.${this.path}`;
    return new CodecError(path, this.reason, this.typeLabel);
  }

  /**
   * This error with the label of the codec's type.
   *
   * @example
   * ```ts
   * throw err.labelled("struct event");
   * ```
   */
  labelled(typeLabel: string): CodecError {
    return new CodecError(this.path, this.reason, typeLabel);
  }
}

/**
 * The program tag the kernel reports (`bpf_prog_info.tag`, `bpftool prog show`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { ArgumentError } from "../errors.js";
import { nativeByteOrder, type ByteOrder } from "./byte-order.js";
import { marshalInstructions } from "./encode.js";
import type { Instruction } from "./instruction.js";
import { PseudoLoad } from "./register.js";

/**
 * Options of {@link instructionsTag}.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const opts: asm.TagOptions = { hash: "sha256" };
 * ```
 */
export interface TagOptions {
  /**
   * The digest the running kernel uses: `"sha1"` from Linux 4.10 to 6.17, `"sha256"` since
   * Linux 6.18 (which keeps the full digest for signed programs and reports its first 8 bytes).
   */
  readonly hash: "sha1" | "sha256";
  /** Byte order of the instructions; the kernel hashes them in its own, the default. */
  readonly byteOrder?: ByteOrder;
}

/**
 * The tag the kernel computes for a program: the first 8 bytes of the digest of its
 * instructions, as 16 hex digits, with the immediates of map fd and map value loads zeroed so
 * the tag does not depend on fds. Pass the instructions as loaded (labels resolved).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const tag = asm.instructionsTag([asm.Mov.Imm(asm.R0, 0), asm.Return()], { hash: "sha256" });
 * console.log(tag.length); // 16
 * ```
 */
export function instructionsTag(insns: readonly Instruction[], options: TagOptions): string {
  const { hash, byteOrder = nativeByteOrder } = options;
  if (hash !== "sha1" && hash !== "sha256") {
    throw new ArgumentError(`tag hash must be "sha1" or "sha256", got ${String(hash)}`);
  }
  const stable = insns.map((insn) =>
    insn.isDWordLoad() && (insn.src === PseudoLoad.MapFD || insn.src === PseudoLoad.MapValue)
      ? insn.with({ constant: 0n })
      : insn,
  );
  const digest = createHash(hash).update(marshalInstructions(stable, byteOrder)).digest();
  return digest.subarray(0, 8).toString("hex");
}

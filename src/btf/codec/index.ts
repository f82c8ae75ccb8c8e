/**
 * Codecs: plain JavaScript values <-> the bytes of a BTF type.
 *
 * @example
 * ```ts
 * import { codecFor } from "ebpf/btf";
 * const event = codecFor<{ pid: number }>(spec.types!.typeByName("event"));
 * ```
 *
 * @module
 */
export { codecFor, type Codec, type CodecOptions } from "./codec.js";
export { CodecError } from "./errors.js";
export { isKernelOwned } from "./kernel-owned.js";

/**
 * `ebpf/ringbuf`: read `BPF_MAP_TYPE_RINGBUF` maps (Linux 5.8+).
 *
 * @example
 * ```ts
 * import { newReader } from "ebpf/ringbuf";
 * using reader = newReader(eventsMap);
 * const { sample } = await reader.read({ timeout: 1000 });
 * ```
 *
 * @module
 */
export { checkRingbufSize, newReader, Reader, type ConsumeFn, type ConsumeRawFn } from "./reader.js";
export { newRecord, type Record } from "./record.js";
export type { EventMapSource } from "./source.js";
export type { ReadOptions } from "./wait.js";
export { sampleCodec, TypedReader, typedReader, type SampleType } from "./typed.js";

/**
 * `ebpf/perf`: read samples that BPF programs write with `bpf_perf_event_output` into a
 * `BPF_MAP_TYPE_PERF_EVENT_ARRAY` (Linux 4.4+).
 *
 * @example
 * ```ts
 * import { newReader } from "ebpf/perf";
 * using reader = newReader(eventsMap, 4096);
 * const { cpu, sample } = await reader.read({ timeout: 1000 });
 * ```
 *
 * @module
 */
export { newReader, Reader, type ConsumeFn, type ConsumeRawFn, type ReaderOptions } from "./reader.js";
export { newRecord, type Record } from "./record.js";
export type { EventMapSource } from "../ringbuf/source.js";
export type { ReadOptions } from "../ringbuf/wait.js";
export { TypedReader, typedReader, type TypedRecord } from "./typed.js";
export type { SampleType } from "../ringbuf/typed.js";

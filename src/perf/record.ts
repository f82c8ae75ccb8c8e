/**
 * A record read from a perf event array.
 *
 * @module
 */

/**
 * One sample, or a report of lost samples, from one CPU's ring.
 *
 * @example
 * ```ts
 * const rec = await reader.read();
 * if (rec.lostSamples > 0) console.warn(`cpu ${rec.cpu}: ${rec.lostSamples} samples lost`);
 * else handle(rec.sample);
 * ```
 */
export interface Record {
  /** The CPU whose ring held the record. */
  cpu: number;
  /**
   * The raw sample (`bpf_perf_event_output` data). The kernel pads it with zeros so that its length
   * plus 4 is a multiple of 8: a 64-byte sample reads as 68 bytes. Empty for a loss report.
   */
  sample: Uint8Array;
  /** For a PERF_RECORD_LOST: how many samples the kernel dropped because the ring was full; else 0. */
  lostSamples: number;
  /** Bytes still unread in this CPU's ring after this record. */
  remaining: number;
}

/**
 * An empty record for {@link Reader.readInto}, whose sample buffer is reused once large enough.
 *
 * @example
 * ```ts
 * import { newRecord } from "ebpf/perf";
 * const rec = newRecord(128);
 * await reader.readInto(rec);
 * ```
 */
export function newRecord(capacity = 0): Record {
  return { cpu: 0, sample: new Uint8Array(capacity).subarray(0, 0), lostSamples: 0, remaining: 0 };
}

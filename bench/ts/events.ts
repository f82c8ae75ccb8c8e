/**
 * Shared by our `ringbuf` and `perf` suites, as `bench/c/events.h` is by their C sides: loading
 * the producer object (`bpf/bench_ringbuf.o` or `bpf/bench_perf.o`), running its `produce`
 * program with BPF_PROG_TEST_RUN (1024 64-byte records per run), reading its counters of records
 * written and lost, and timing a drain in wall or CPU time.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { loadCollectionSpecFromBuffer, newCollection, type BpfMap, type Collection, type Program } from "ebpf";
import { collectGarbage, nowNs } from "./suite.js";

/** Records `produce` writes per run (RECORDS_PER_RUN in `bpf/bench_ringbuf.c`, `bpf/bench_perf.c`). */
export const RECORDS_PER_RUN = 1024;
/** Bytes of each record. */
export const RECORD_SIZE = 64;

/**
 * Parameters of the `ringbuf` and `perf` topics; the C side gets them as `--records`,
 * `--live-records`, `--chunk`, `--ring-bytes` and `--obj`.
 *
 * @example
 * ```ts
 * const p: EventParams = { records: 1 << 18, liveRecords: 1 << 18, chunk: 1 << 14, ringBytes: 1 << 25, obj: "bpf/bench_ringbuf.o" };
 * ```
 */
export interface EventParams {
  /** Records per burst. */
  records: number;
  /** Records per live figure. */
  liveRecords: number;
  /** Records produced between two drains of the live figure. */
  chunk: number;
  /** Bytes of the ring buffer, or of each CPU's perf ring. */
  ringBytes: number;
  /** The producer object. */
  obj: string;
}

/**
 * The loaded producer object.
 *
 * @example
 * ```ts
 * const prod = new Producer("bpf/bench_ringbuf.o", 1 << 25);
 * prod.run(256);
 * ```
 */
export class Producer {
  readonly collection: Collection;
  readonly events: BpfMap;
  readonly #prog: Program;
  readonly #stats: BpfMap;
  readonly #packet = new Uint8Array(64);
  readonly #value = new Uint8Array(8);
  readonly #view = new DataView(this.#value.buffer);

  /** Load `obj`, with the events map's max_entries set to `ringBytes` when given. */
  constructor(obj: string, ringBytes?: number) {
    const spec = loadCollectionSpecFromBuffer(readFileSync(obj));
    const events = spec.maps.events;
    if (events === undefined || spec.maps.stats === undefined || spec.programs.produce === undefined) {
      throw new Error(`${obj}: expected maps events, stats and program produce`);
    }
    if (ringBytes !== undefined) events.maxEntries = ringBytes;
    this.collection = newCollection(spec);
    this.events = this.collection.maps.events!;
    this.#stats = this.collection.maps.stats!;
    this.#prog = this.collection.programs.produce!;
  }

  /** Run `produce` `runs` times (one BPF_PROG_TEST_RUN with repeat = runs). */
  run(runs: number): void {
    this.#prog.run({ data: this.#packet, repeat: runs });
  }

  /** Counter `key` of the stats map: 0 records written, 1 records that did not fit. */
  stat(key: 0 | 1): number {
    if (this.#stats.lookup(key, this.#value) === undefined) throw new Error(`stats[${key}] missing`);
    return Number(this.#view.getBigUint64(0, true));
  }

  close(): void {
    this.collection.close();
  }
}

/** Sum of the low bytes of the `seq` fields (0..1023) of one run's records. */
const SEQ_LOW_BYTE_SUM_PER_RUN = (RECORDS_PER_RUN / 256) * ((255 * 256) / 2);

/**
 * Check that `consumed` records (and `lostRecords` reported by the reader) since the counters
 * read `before` are exactly the `expected` written, none lost, with the contents written:
 * `lowByteSum` is the sum of the first byte (the low byte of `seq`) of every record consumed.
 *
 * @example
 * ```ts
 * checkCounts("ringbuf", prod, before, n, 0, p.records, sum);
 * ```
 */
export function checkCounts(
  what: string,
  prod: Producer,
  before: { written: number; lost: number },
  consumed: number,
  lostRecords: number,
  expected: number,
  lowByteSum: number,
): void {
  const written = prod.stat(0) - before.written;
  const lost = prod.stat(1) - before.lost;
  if (lost !== 0 || lostRecords !== 0 || written !== expected || consumed !== written) {
    throw new Error(
      `${what}: consumed ${consumed} of ${written} written, ${lost} lost (${lostRecords} reported lost; expected ${expected} written, none lost)`,
    );
  }
  const sum = (expected / RECORDS_PER_RUN) * SEQ_LOW_BYTE_SUM_PER_RUN;
  if (lowByteSum !== sum) throw new Error(`${what}: records' first bytes sum to ${lowByteSum}, expected ${sum}`);
}

/**
 * Wall (`cpu` false) or CPU time (user + system of the process) in ns of `fn`, and its result.
 * Garbage is collected first: a burst lasts about a millisecond, less than one collection.
 */
export function timed<T>(cpu: boolean, fn: () => T): { ns: number; result: T } {
  collectGarbage();
  if (cpu) {
    const c0 = process.cpuUsage();
    const result = fn();
    const c = process.cpuUsage(c0);
    return { ns: (c.user + c.system) * 1e3, result };
  }
  const t0 = nowNs();
  const result = fn();
  return { ns: nowNs() - t0, result };
}

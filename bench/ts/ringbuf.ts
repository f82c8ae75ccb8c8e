/**
 * Our side of the ring buffer figures, mirroring `bench/c/ringbuf.c`: records/s consumed from a
 * BPF_MAP_TYPE_RINGBUF that `bpf/bench_ringbuf.o` fills with 64-byte records.
 *
 * - `ringbuf.burst`: fill with `records` records (untimed), then drain them with `consumeRaw`
 *   (zero-copy: the ring's bytes and an offset per record). `ringbuf.burst_view` drains with
 *   `consume` (a Uint8Array view per record); `ringbuf.burst_cpu` is `ringbuf.burst` in CPU time.
 * - `ringbuf.live`: produce `liveRecords` records `chunk` at a time in this thread, draining with
 *   `consumeRaw` after each chunk; records delivered per second of the whole loop.
 *
 * Every figure checks that the records consumed are exactly those written (count and contents),
 * none lost.
 *
 * @module
 */
import { newReader, type Reader } from "ebpf/ringbuf";
import { checkCounts, Producer, RECORD_SIZE, RECORDS_PER_RUN, timed, type EventParams } from "./events.js";
import type { Figure, Suite } from "./suite.js";

/**
 * Load the producer with a ring of `ringBytes`, open a reader, warm up with short drains and one
 * full burst each way, then measure per request.
 *
 * @example
 * ```ts
 * const suite = ringbufSuite({ records: 1 << 18, liveRecords: 1 << 16, chunk: 1 << 14, ringBytes: 1 << 25, obj: "bpf/bench_ringbuf.o" });
 * suite.run("ringbuf.burst");
 * ```
 */
export function ringbufSuite(p: EventParams): Suite {
  if (p.records % p.chunk !== 0 || p.liveRecords % p.chunk !== 0 || p.chunk % RECORDS_PER_RUN !== 0) {
    throw new Error(`records and liveRecords must be multiples of chunk, and chunk of ${RECORDS_PER_RUN}`);
  }
  const prod = new Producer(p.obj, p.ringBytes);
  let reader: Reader | undefined;
  try {
    reader = newReader(prod.events);
  } catch (e) {
    prod.close();
    throw e;
  }
  const r = reader;
  let checksum = 0;
  let badSize = 0;
  const raw = (data: Uint8Array, offset: number, length: number) => {
    if (length !== RECORD_SIZE) badSize++;
    checksum += data[offset]!;
  };
  const view = (sample: Uint8Array) => {
    if (sample.length !== RECORD_SIZE) badSize++;
    checksum += sample[0]!;
  };
  const burst = (figure: string, how: "raw" | "view", cpu: boolean): number => {
    const before = { written: prod.stat(0), lost: prod.stat(1) };
    checksum = 0;
    prod.run(p.records / RECORDS_PER_RUN);
    const { ns, result: n } = timed(cpu, () => (how === "raw" ? r.consumeRaw(raw) : r.consume(view)));
    if (badSize !== 0) throw new Error(`${figure}: ${badSize} records not of ${RECORD_SIZE} bytes`);
    checkCounts(figure, prod, before, n, 0, p.records, checksum);
    return n / (ns / 1e9);
  };
  const live = (figure: string): number => {
    const before = { written: prod.stat(0), lost: prod.stat(1) };
    checksum = 0;
    const { ns, result: n } = timed(false, () => {
      let n = 0;
      for (let done = 0; done < p.liveRecords; done += p.chunk) {
        prod.run(p.chunk / RECORDS_PER_RUN);
        n += r.consumeRaw(raw);
      }
      return n;
    });
    checkCounts(figure, prod, before, n, 0, p.liveRecords, checksum);
    return n / (ns / 1e9);
  };
  // V8 optimizes a function from the type feedback of its calls: many short drains first, so
  // the drain loops are not compiled from one long first call that saw only their loop.
  for (let i = 0; i < 32; i++) {
    prod.run(1);
    r.consumeRaw(raw);
    prod.run(1);
    r.consume(view);
  }
  burst("warm-up", "raw", false);
  burst("warm-up", "view", false);
  return {
    run(figure: string): Figure[] {
      let value: number;
      if (figure === "ringbuf.burst") value = burst(figure, "raw", false);
      else if (figure === "ringbuf.burst_view") value = burst(figure, "view", false);
      else if (figure === "ringbuf.burst_cpu") value = burst(figure, "raw", true);
      else if (figure === "ringbuf.live") value = live(figure);
      else throw new Error(`unknown figure '${figure}'`);
      return [{ name: figure, value, unit: "entries/s" }];
    },
    close(): void {
      r.close();
      prod.close();
    },
  };
}

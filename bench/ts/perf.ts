/**
 * Our side of the perf event array figures, mirroring `bench/c/perf.c`: samples/s consumed from a
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY (one ring of `ringBytes` per possible CPU) that
 * `bpf/bench_perf.o` fills with 64-byte samples (bpf_perf_event_output, BPF_F_CURRENT_CPU).
 *
 * - `perf.burst`: fill with `records` samples (untimed), then drain them with `consumeRaw`
 *   (zero-copy). `perf.burst_view` drains with `consume` (a Uint8Array view per sample);
 *   `perf.burst_cpu` is `perf.burst` in CPU time.
 * - `perf.live`: produce `liveRecords` samples `chunk` at a time in this thread, draining with
 *   `consumeRaw` after each chunk; samples delivered per second of the whole loop.
 *
 * Every figure checks that the samples consumed are exactly those written (count and contents),
 * none lost.
 *
 * @module
 */
import { newReader, type Reader } from "ebpf/perf";
import { checkCounts, Producer, RECORD_SIZE, RECORDS_PER_RUN, timed, type EventParams } from "./events.js";
import type { Figure, Suite } from "./suite.js";

/**
 * Load the producer, open a reader with `ringBytes` per CPU, warm up with short drains and one full
 * burst each way, then measure per request.
 *
 * @example
 * ```ts
 * const suite = perfSuite({ records: 1 << 18, liveRecords: 1 << 16, chunk: 1 << 14, ringBytes: 1 << 25, obj: "bpf/bench_perf.o" });
 * suite.run("perf.burst");
 * ```
 */
export function perfSuite(p: EventParams): Suite {
  if (p.records % p.chunk !== 0 || p.liveRecords % p.chunk !== 0 || p.chunk % RECORDS_PER_RUN !== 0) {
    throw new Error(`records and liveRecords must be multiples of chunk, and chunk of ${RECORDS_PER_RUN}`);
  }
  const prod = new Producer(p.obj);
  let reader: Reader | undefined;
  try {
    reader = newReader(prod.events, p.ringBytes);
  } catch (e) {
    prod.close();
    throw e;
  }
  const r = reader;
  let checksum = 0;
  let badSize = 0;
  // The kernel pads raw samples to 8 bytes with their u32 size: 64 bytes arrive as 68.
  const raw = (data: Uint8Array, offset: number, length: number) => {
    if (length < RECORD_SIZE || length > RECORD_SIZE + 7) badSize++;
    checksum += data[offset]!;
  };
  const view = (sample: Uint8Array) => {
    if (sample.length < RECORD_SIZE || sample.length > RECORD_SIZE + 7) badSize++;
    checksum += sample[0]!;
  };
  const burst = (figure: string, how: "raw" | "view", cpu: boolean): number => {
    const before = { written: prod.stat(0), lost: prod.stat(1) };
    checksum = 0;
    prod.run(p.records / RECORDS_PER_RUN);
    const { ns, result } = timed(cpu, () => (how === "raw" ? r.consumeRaw(raw) : r.consume(view)));
    if (badSize !== 0) throw new Error(`${figure}: ${badSize} samples not of ${RECORD_SIZE} bytes`);
    checkCounts(figure, prod, before, result.samples, result.lostSamples, p.records, checksum);
    return result.samples / (ns / 1e9);
  };
  const live = (figure: string): number => {
    const before = { written: prod.stat(0), lost: prod.stat(1) };
    checksum = 0;
    const { ns, result } = timed(false, () => {
      let samples = 0;
      let lost = 0;
      for (let done = 0; done < p.liveRecords; done += p.chunk) {
        prod.run(p.chunk / RECORDS_PER_RUN);
        const c = r.consumeRaw(raw);
        samples += c.samples;
        lost += c.lostSamples;
      }
      return { samples, lost };
    });
    checkCounts(figure, prod, before, result.samples, result.lost, p.liveRecords, checksum);
    return result.samples / (ns / 1e9);
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
      if (figure === "perf.burst") value = burst(figure, "raw", false);
      else if (figure === "perf.burst_view") value = burst(figure, "view", false);
      else if (figure === "perf.burst_cpu") value = burst(figure, "raw", true);
      else if (figure === "perf.live") value = live(figure);
      else throw new Error(`unknown figure '${figure}'`);
      return [{ name: figure, value, unit: "entries/s" }];
    },
    close(): void {
      r.close();
      prod.close();
    },
  };
}

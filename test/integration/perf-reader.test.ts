import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError } from "../../src/errors.js";
import { MapType, newMap } from "../../src/map/index.js";
import { possibleCPUs } from "../../src/internal/possible-cpus.js";
import { newReader, newRecord } from "../../src/perf/index.js";
import type { FD } from "../../src/syscall/fd.js";
import { createPerfArray, createRingbuf, expectedRecord, loadEmitProgram, runProgram } from "../helpers/emit-prog.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

const PAGE = 4096;
const CPUS = possibleCPUs();

/** The kernel pads raw samples so that their length plus 4 is a multiple of 8. */
function padded(size: number): number {
  return ((size + 4 + 7) & ~7) - 4;
}

function expectedSample(seq: number, size: number): Uint8Array {
  const out = new Uint8Array(padded(size));
  out.set(expectedRecord(seq, size));
  return out;
}

async function drain(reader: ReturnType<typeof newReader>): Promise<{ seqs: number[]; lost: number }> {
  const seqs: number[] = [];
  let lost = 0;
  for (;;) {
    let rec;
    try {
      rec = await reader.read({ timeout: 0 });
    } catch (err) {
      expect((err as Error).name).toBe("TimeoutError");
      return { seqs, lost };
    }
    if (rec.lostSamples > 0) lost += rec.lostSamples;
    else seqs.push(new DataView(rec.sample.buffer, rec.sample.byteOffset).getUint32(0, true));
  }
}

// Pin the main thread (which issues BPF_PROG_TEST_RUN) to the CPU it is on, for tests whose
// records must all land in one CPU's ring.
function pinMainThread(): { restore(): void } {
  const pid = String(process.pid);
  const before = execFileSync("taskset", ["-p", "-c", pid], { encoding: "utf8" }).trim().split(": ").pop()!;
  const cpu = before.split(/[,-]/)[0]!;
  execFileSync("taskset", ["-p", "-c", cpu, pid], { stdio: "ignore" });
  return { restore: () => execFileSync("taskset", ["-p", "-c", before, pid], { stdio: "ignore" }) };
}

describe("perf event reader", () => {
  let map: FD;
  beforeAll(() => {
    map = createPerfArray(CPUS);
  });
  afterAll(() => {
    map.close();
  });

  it("opens a ring per possible CPU and delivers every sample once with its CPU, size and contents", async () => {
    using reader = newReader(map, PAGE * 4);
    expect(reader.cpus).toEqual(Array.from({ length: CPUS }, (_, i) => i));
    expect(reader.bufferSize).toBe(PAGE * 4);
    const sizes = [4, 5, 60, 64, 255, 512];
    const progs = sizes.map((size) => loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 5, size }));
    try {
      for (const p of progs) runProgram(p);
      for (const size of sizes) {
        for (let seq = 0; seq < 5; seq++) {
          const rec = await reader.read({ timeout: 1000 });
          expect(rec.lostSamples).toBe(0);
          expect(rec.cpu).toBeGreaterThanOrEqual(0);
          expect(rec.cpu).toBeLessThan(CPUS);
          expect(rec.sample).toEqual(expectedSample(seq, size));
        }
      }
      expect((await drain(reader)).seqs).toEqual([]);
    } finally {
      for (const p of progs) p.close();
    }
  });

  it("accepts a Map object", async () => {
    using events = newMap({ name: "events", type: MapType.PerfEventArray, keySize: 4, valueSize: 4, maxEntries: CPUS });
    using reader = newReader(events, PAGE);
    using prog = loadEmitProgram({ mapFd: events.fd, kind: "perf", count: 2, size: 24 });
    runProgram(prog);
    expect((await drain(reader)).seqs).toEqual([0, 1]);
  });

  it("reads samples that wrap around the end of a one-page ring", async () => {
    using reader = newReader(map, 1);
    expect(reader.bufferSize).toBe(PAGE);
    // 100-byte samples make 112-byte records: 4096 is no multiple, so records straddle the end.
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 20, size: 100 });
    const rec = newRecord();
    for (let round = 0; round < 50; round++) {
      runProgram(prog);
      for (let seq = 0; seq < 20; seq++) {
        await reader.readInto(rec, { timeout: 1000 });
        expect(rec.lostSamples).toBe(0);
        expect(rec.sample).toEqual(expectedSample(seq, 100));
      }
    }
  });

  it("reports lost samples when a tiny ring overflows", async () => {
    using reader = newReader(map, PAGE);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 100, size: 100 });
    // Both runs must write to the same CPU's ring: the loss record goes to the ring that lost.
    const affinity = pinMainThread();
    try {
      runProgram(prog, 10); // 1000 records of 112 bytes into 4096
      const first = await drain(reader);
      expect(first.seqs.length).toBeGreaterThan(0);
      expect(first.seqs.length).toBeLessThan(1000);
      expect(first.seqs).toEqual(first.seqs.map((_, i) => i % 100));
      // The kernel writes the loss record once there is room again.
      runProgram(prog);
      const second = await drain(reader);
      expect(first.lost + second.lost).toBe(1000 - first.seqs.length);
      expect(second.seqs.length).toBeGreaterThan(0);
    } finally {
      affinity.restore();
    }
  });

  it("consume hands out views without copying and sums losses", () => {
    using reader = newReader(map, PAGE * 2);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 10, size: 64 });
    runProgram(prog);
    const seqs: number[] = [];
    const out = reader.consume((sample, cpu) => {
      expect(sample.byteLength).toBe(68);
      expect(cpu).toBeLessThan(CPUS);
      seqs.push(sample[0]!);
    });
    expect(out).toEqual({ samples: 10, lostSamples: 0 });
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("consumeRaw hands out samples wrapping a one-page ring in order, intact", () => {
    using reader = newReader(map, 1);
    // 112-byte records: records straddle the end of the 4096-byte ring; 20 of them fit.
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 20, size: 100 });
    for (let round = 0; round < 50; round++) {
      runProgram(prog);
      const seqs: number[] = [];
      const take = (data: Uint8Array, offset: number, length: number, cpu: number) => {
        expect(cpu).toBeLessThan(CPUS);
        expect(data.subarray(offset, offset + length)).toEqual(expectedSample(seqs.length, 100));
        seqs.push(data[offset]!);
      };
      // In pieces of 6 on odd rounds: `max` stops mid-ring and the next call resumes there.
      if (round % 2 === 0) expect(reader.consumeRaw(take)).toEqual({ samples: 20, lostSamples: 0 });
      else while (reader.consumeRaw(take, 6).samples > 0);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
  });

  it("consumeRaw sums loss records and hands the space back", () => {
    using reader = newReader(map, PAGE);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 100, size: 100 });
    // Both runs must write to the same CPU's ring: the loss record goes to the ring that lost.
    const affinity = pinMainThread();
    try {
      runProgram(prog, 10); // 1000 records of 112 bytes into 4096
      const seqs: number[] = [];
      const first = reader.consumeRaw((data, offset) => seqs.push(data[offset]!));
      expect(first.samples).toBe(seqs.length);
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual(seqs.map((_, i) => i % 100));
      // The kernel writes the loss record once there is room again.
      runProgram(prog);
      const second = reader.consumeRaw(() => {});
      expect(second.samples).toBeGreaterThan(0);
      expect(first.lostSamples + second.lostSamples).toBe(1000 - first.samples);
    } finally {
      affinity.restore();
    }
  });

  it("consumeRaw counts a throwing callback's sample as read; close inside it stops it", () => {
    using reader = newReader(map, PAGE * 2);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 10, size: 64 });
    runProgram(prog);
    expect(() =>
      reader.consumeRaw((data, offset) => {
        if (data[offset] === 3) throw new Error("stop");
      }),
    ).toThrow("stop");
    const seqs: number[] = [];
    expect(reader.consumeRaw((data, offset) => seqs.push(data[offset]!), 2)).toEqual({ samples: 2, lostSamples: 0 });
    expect(seqs).toEqual([4, 5]);
    const closing = newReader(map, PAGE * 2);
    runProgram(prog);
    let calls = 0;
    expect(
      closing.consumeRaw(() => {
        calls++;
        closing.close();
      }),
    ).toEqual({ samples: 1, lostSamples: 0 });
    expect(calls).toBe(1);
  });

  it("pause removes the events from the map and resume puts them back", async () => {
    using reader = newReader(map, PAGE);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 3, size: 8 });
    reader.pause();
    runProgram(prog);
    expect((await drain(reader)).seqs).toEqual([]);
    reader.resume();
    runProgram(prog);
    expect((await drain(reader)).seqs).toEqual([0, 1, 2]);
  });

  it("overwritable rings keep the newest samples, newest first, and report no loss", () => {
    using reader = newReader(map, PAGE, { overwritable: true });
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 10, size: 100 });
    runProgram(prog, 10);
    const seqs: number[] = [];
    expect(reader.consume((s) => seqs.push(s[0]!)).lostSamples).toBe(0);
    // 36 records of 112 bytes fit in 4096 bytes: the last 36 written, newest first.
    expect(seqs).toEqual(Array.from({ length: 36 }, (_, i) => 9 - (i % 10)));
    expect(reader.consume(() => {}).samples).toBe(0);
    runProgram(prog);
    seqs.length = 0;
    reader.consume((s) => seqs.push(s[0]!));
    expect(seqs).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it("wakes a waiting read; honours wakeupEvents", async () => {
    using reader = newReader(map, PAGE, { wakeupEvents: 2 });
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 2, size: 16 });
    setTimeout(() => runProgram(prog), 30);
    const rec = await reader.read({ timeout: 20_000 });
    expect(rec.sample).toEqual(expectedSample(0, 16));
  });

  it("wait() resolves when samples arrive, for batch consumption", async () => {
    using reader = newReader(map, PAGE);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "perf", count: 4, size: 8 });
    setTimeout(() => runProgram(prog), 20);
    await reader.wait({ timeout: 5000 });
    expect(reader.consumeRaw(() => {})).toEqual({ samples: 4, lostSamples: 0 });
    await expect(reader.wait({ timeout: 10 })).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("rejects a waiting read with ClosedError on close and ends for-await loops", async () => {
    const reader = newReader(map, PAGE);
    const pending = reader.read();
    const loop = (async () => {
      let n = 0;
      for await (const _ of reader) n++;
      return n;
    })();
    setTimeout(() => reader.close(), 20);
    await expect(pending).rejects.toBeInstanceOf(ClosedError);
    await expect(loop).resolves.toBe(0);
    await expect(reader.read()).rejects.toBeInstanceOf(ClosedError);
    expect(() => reader.pause()).toThrow(ClosedError);
  });

  it("keeps reading buffered samples after the map's own fd is closed", async () => {
    const own = createPerfArray(CPUS);
    using prog = loadEmitProgram({ mapFd: own.raw, kind: "perf", count: 3, size: 12 });
    using reader = newReader(own, PAGE);
    runProgram(prog);
    own.close();
    expect((await drain(reader)).seqs).toEqual([0, 1, 2]);
    expect(() => newReader(own, PAGE)).toThrow(ClosedError);
  });

  it("keeps a 10 ms timer firing while a read waits 2 s for nothing", async () => {
    using reader = newReader(map, PAGE);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await expect(reader.read({ timeout: 2000 })).rejects.toMatchObject({ name: "TimeoutError" });
    } finally {
      clearInterval(timer);
    }
    // A wait that blocked the event loop would let the timer fire once at most; 200 is ideal.
    // The margin absorbs scheduling on a loaded host and in emulated (TCG) guests.
    expect(ticks).toBeGreaterThanOrEqual(40);
  });

  it("lets 50 readers wait at once and wakes each with its own sample", async () => {
    const maps = Array.from({ length: 50 }, () => createPerfArray(CPUS));
    const readers = maps.map((m) => newReader(m, PAGE));
    const progs = maps.map((m) => loadEmitProgram({ mapFd: m.raw, kind: "perf", count: 1, size: 8 }));
    try {
      const pending = readers.map((r) => r.read({ timeout: 20_000 }));
      await new Promise((r) => setTimeout(r, 20));
      for (const p of [...progs].reverse()) runProgram(p);
      for (const rec of await Promise.all(pending)) expect(rec.sample).toEqual(expectedSample(0, 8));
    } finally {
      for (const r of readers) r.close();
      for (const p of progs) p.close();
      for (const m of maps) m.close();
    }
  });

  it("rejects bad arguments and maps of another type", () => {
    expect(() => newReader(map, 0)).toThrow(ArgumentError);
    expect(() => newReader(map, PAGE, { watermark: PAGE })).toThrow(/watermark/);
    using rb = createRingbuf(PAGE);
    expect(() => newReader(rb, PAGE)).toThrow(/type 27, not 4/);
  });
});

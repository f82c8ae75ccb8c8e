import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError } from "../../src/errors.js";
import { MapType, newMap } from "../../src/map/index.js";
import { checkRingbufSize, newReader, newRecord, type Record } from "../../src/ringbuf/index.js";
import { FD } from "../../src/syscall/fd.js";
import { mapCreate } from "../../src/syscall/map.js";
import {
  BPF_RB_NO_WAKEUP,
  createRingbuf,
  expectedRecord,
  loadEmitProgram,
  runProgram,
} from "../helpers/emit-prog.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

const PAGE = 4096;

function seqOf(sample: Uint8Array): number {
  return new DataView(sample.buffer, sample.byteOffset, sample.byteLength).getUint32(0, true);
}

describe("ring buffer reader", () => {
  let map: FD;
  beforeAll(() => {
    map = createRingbuf(16 * PAGE);
  });
  afterAll(() => {
    map.close();
  });

  it("delivers every record once, in order, with its size and contents", async () => {
    using reader = newReader({ fd: map.raw, maxEntries: 16 * PAGE });
    const sizes = [4, 5, 8, 17, 64, 255, 512];
    const progs = sizes.map((size) => loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 9, size }));
    try {
      for (const p of progs) runProgram(p);
      for (const size of sizes) {
        for (let seq = 0; seq < 9; seq++) {
          const rec = await reader.read({ timeout: 1000 });
          expect(rec.sample).toEqual(expectedRecord(seq, size));
        }
      }
      expect(reader.available).toBe(0);
      await expect(reader.read({ timeout: 0 })).rejects.toMatchObject({ name: "TimeoutError" });
    } finally {
      for (const p of progs) p.close();
    }
  });

  it("accepts a Map object", async () => {
    using events = newMap({ name: "events", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 4 * PAGE });
    using reader = newReader(events);
    expect(reader.bufferSize).toBe(4 * PAGE);
    using prog = loadEmitProgram({ mapFd: events.fd, kind: "ringbuf", count: 2, size: 24 });
    runProgram(prog);
    expect((await reader.read()).sample).toEqual(expectedRecord(0, 24));
    expect((await reader.read()).sample).toEqual(expectedRecord(1, 24));
  });

  it("reports the bytes remaining after each record", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 3, size: 20 });
    runProgram(prog);
    // 20 bytes + 8 header, padded to 32.
    expect((await reader.read()).remaining).toBe(64);
    expect((await reader.read()).remaining).toBe(32);
    expect((await reader.read()).remaining).toBe(0);
  });

  it("wraps around a small ring many times, records straddling its end intact", async () => {
    using small = createRingbuf(PAGE);
    using reader = newReader(small);
    // 100-byte records take 112 bytes: 4096 is no multiple, so records straddle the end.
    using prog = loadEmitProgram({ mapFd: small.raw, kind: "ringbuf", count: 30, size: 100 });
    const want = expectedRecord(0, 100);
    const rec = newRecord();
    // 40 rounds of 3360 bytes wrap the 4096-byte ring 32 times; each read is an await, slow in
    // emulated guests, hence the longer test timeout.
    for (let round = 0; round < 40; round++) {
      runProgram(prog);
      for (let seq = 0; seq < 30; seq++) {
        await reader.readInto(rec, { timeout: 5000 });
        want[0] = seq;
        expect(rec.sample).toEqual(want);
      }
    }
    expect(reader.available).toBe(0);
  }, 120_000);

  it("consumeRaw wraps around a small ring many times: every record once, in order, intact", () => {
    using small = createRingbuf(PAGE);
    using reader = newReader(small);
    // 100-byte records take 112 bytes: 4096 is no multiple, so records straddle the end. A round
    // of 30 fills most of the ring: a round is dropped unless the previous one's space was handed back.
    using prog = loadEmitProgram({ mapFd: small.raw, kind: "ringbuf", count: 30, size: 100 });
    const want = expectedRecord(0, 100);
    for (let round = 0; round < 100; round++) {
      runProgram(prog);
      const seqs: number[] = [];
      const take = (data: Uint8Array, offset: number, length: number) => {
        want[0] = seqs.length;
        expect(data.subarray(offset, offset + length)).toEqual(want);
        seqs.push(data[offset]!);
      };
      // In pieces of 7 on odd rounds: `max` stops mid-way and the next call resumes there.
      if (round % 2 === 0) expect(reader.consumeRaw(take)).toBe(30);
      else while (reader.consumeRaw(take, 7) > 0);
      expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(reader.available).toBe(0);
    }
  });

  it("consumeRaw skips discarded records, trailing ones included", () => {
    using reader = newReader(map);
    // Odd seqs are discarded; the last record (19) is one of them.
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf-discard-odd", count: 20, size: 16 });
    runProgram(prog);
    const seqs: number[] = [];
    expect(reader.consumeRaw((data, offset, length) => {
      expect(length).toBe(16);
      seqs.push(data[offset]!);
    })).toBe(10);
    expect(seqs).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(reader.available).toBe(0);
    runProgram(prog);
    seqs.length = 0;
    expect(reader.consume((s) => seqs.push(s[0]!), 3)).toBe(3);
    expect(reader.consume((s) => seqs.push(s[0]!))).toBe(7);
    expect(seqs).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(reader.available).toBe(0);
  });

  it("consumeRaw counts a throwing callback's record as read and hands its space back", () => {
    using small = createRingbuf(PAGE);
    using reader = newReader(small);
    using prog = loadEmitProgram({ mapFd: small.raw, kind: "ringbuf", count: 36, size: 100 });
    runProgram(prog); // 36 records of 112 bytes: the ring is full
    expect(() =>
      reader.consumeRaw((data, offset) => {
        if (data[offset] === 35) throw new Error("stop");
      }),
    ).toThrow("stop");
    expect(reader.available).toBe(0);
    // All the space is free again: a second round fits whole.
    runProgram(prog);
    expect(reader.consumeRaw(() => {})).toBe(36);
  });

  it("drops records when the ring is full and keeps the rest intact", () => {
    using small = createRingbuf(PAGE);
    using reader = newReader(small);
    using prog = loadEmitProgram({ mapFd: small.raw, kind: "ringbuf", count: 100, size: 100 });
    runProgram(prog);
    const seqs: number[] = [];
    reader.consume((s) => seqs.push(seqOf(s)));
    // 4096 / 112 = 36 records fit; the rest were refused by bpf_ringbuf_output.
    expect(seqs).toEqual(Array.from({ length: 36 }, (_, i) => i));
  });

  it("skips discarded records", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf-discard-odd", count: 20, size: 16 });
    runProgram(prog);
    const seqs: number[] = [];
    for (;;) {
      try {
        seqs.push(seqOf((await reader.read({ timeout: 0 })).sample));
      } catch (err) {
        expect((err as Error).name).toBe("TimeoutError");
        break;
      }
    }
    expect(seqs).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(reader.available).toBe(0);
  });

  it("consume hands out views into the ring, counts a throwing callback's record as read", () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 10, size: 64 });
    runProgram(prog);
    const seen: number[] = [];
    expect(reader.consume((s) => seen.push(seqOf(s)), 3)).toBe(3);
    expect(() =>
      reader.consume((s) => {
        if (seqOf(s) === 4) throw new Error("stop");
        seen.push(seqOf(s));
      }),
    ).toThrow("stop");
    let raw = 0;
    expect(
      reader.consumeRaw((data, offset, length) => {
        expect(length).toBe(64);
        expect(data.subarray(offset, offset + length)).toEqual(expectedRecord(5 + raw, 64));
        raw++;
      }),
    ).toBe(5);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it("readInto reuses the record's buffer", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 2, size: 64 });
    runProgram(prog);
    const rec: Record = newRecord(128);
    const buffer = rec.sample.buffer;
    await reader.readInto(rec);
    await reader.readInto(rec);
    expect(rec.sample.buffer).toBe(buffer);
    expect(rec.sample).toEqual(expectedRecord(1, 64));
  });

  it("wakes a waiting read when a record arrives", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 1, size: 32 });
    setTimeout(() => runProgram(prog), 50);
    const rec = await reader.read({ timeout: 20_000 });
    expect(rec.sample).toEqual(expectedRecord(0, 32));
  });

  it("times out a read of a record written without wakeup, then finds it", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 1, size: 32, flags: BPF_RB_NO_WAKEUP });
    runProgram(prog);
    // Buffered data is returned without waiting, wakeup or not.
    expect((await reader.read({ timeout: 0 })).sample).toEqual(expectedRecord(0, 32));
  });

  it("rejects a waiting read with ClosedError on close, and ends for-await loops", async () => {
    const reader = newReader(map);
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
    expect(() => reader.consume(() => {})).toThrow(ClosedError);
    reader.close();
  });

  it("close inside a consume callback stops it without touching unmapped memory", () => {
    const reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 5, size: 8 });
    runProgram(prog);
    let n = 0;
    const consumed = reader.consume(() => {
      n++;
      reader.close();
    });
    expect(consumed).toBe(1);
    expect(n).toBe(1);
    // The four left stay for the next reader.
    using next = newReader(map);
    expect(next.consume(() => {})).toBe(4);
  });

  it("serves concurrent reads one record each; aborting one leaves the other waiting", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 1, size: 8 });
    const ac = new AbortController();
    const aborted = reader.read({ signal: ac.signal });
    const a = reader.read({ timeout: 20_000 });
    const b = reader.read({ timeout: 20_000 });
    ac.abort(new Error("gone"));
    await expect(aborted).rejects.toThrow("gone");
    setTimeout(() => runProgram(prog), 20);
    setTimeout(() => runProgram(prog), 60);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.sample).toEqual(expectedRecord(0, 8));
    expect(rb.sample).toEqual(expectedRecord(0, 8));
    expect(reader.available).toBe(0);
  });

  it("wait() resolves when records arrive, for batch consumption", async () => {
    using reader = newReader(map);
    using prog = loadEmitProgram({ mapFd: map.raw, kind: "ringbuf", count: 4, size: 8 });
    setTimeout(() => runProgram(prog), 20);
    await reader.wait({ timeout: 5000 });
    expect(reader.consume(() => {})).toBe(4);
    await expect(reader.wait({ timeout: 10 })).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("honours AbortSignal", async () => {
    using reader = newReader(map);
    const ac = new AbortController();
    const pending = reader.read({ signal: ac.signal });
    setTimeout(() => ac.abort(new Error("cancelled")), 10);
    await expect(pending).rejects.toThrow("cancelled");
    await expect(reader.read({ signal: AbortSignal.abort(new Error("early")) })).rejects.toThrow("early");
  });

  it("keeps reading after the map's own fd is closed", async () => {
    const own = createRingbuf(PAGE);
    using prog = loadEmitProgram({ mapFd: own.raw, kind: "ringbuf", count: 3, size: 12 });
    using reader = newReader(own);
    runProgram(prog);
    own.close();
    for (let seq = 0; seq < 3; seq++) expect((await reader.read({ timeout: 100 })).sample).toEqual(expectedRecord(seq, 12));
    // The program still holds the map: new records still arrive.
    runProgram(prog);
    expect((await reader.read({ timeout: 1000 })).sample).toEqual(expectedRecord(0, 12));
    expect(() => newReader(own)).toThrow(ClosedError);
  });

  it("keeps a 10 ms timer firing while a read waits 2 s for nothing", async () => {
    using reader = newReader(map);
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

  it("lets 50 readers wait at once and wakes each with its own record", async () => {
    const maps = Array.from({ length: 50 }, () => createRingbuf(PAGE));
    const readers = maps.map((m) => newReader(m));
    const progs = maps.map((m) => loadEmitProgram({ mapFd: m.raw, kind: "ringbuf", count: 1, size: 8 }));
    try {
      const pending = readers.map((r) => r.read({ timeout: 20_000 }));
      await new Promise((r) => setTimeout(r, 20));
      for (const p of progs.reverse()) runProgram(p);
      const records = await Promise.all(pending);
      for (const rec of records) expect(rec.sample).toEqual(expectedRecord(0, 8));
    } finally {
      for (const r of readers) r.close();
      for (const p of progs) p.close();
      for (const m of maps) m.close();
    }
  });

  it("rejects sizes that are not a power-of-two multiple of the page size, and other map types", () => {
    expect(() => checkRingbufSize(PAGE * 3)).toThrow(ArgumentError);
    expect(() => checkRingbufSize(PAGE / 2)).toThrow(/power-of-two multiple of the page size/);
    expect(() => checkRingbufSize(PAGE * 4)).not.toThrow();
    expect(() => newReader({ fd: map.raw, maxEntries: 10_000 })).toThrow(ArgumentError);
    expect(() => newReader({ fd: map.raw, maxEntries: 4 * PAGE })).toThrow(/kernel's map has 65536/);
    using array = new FD(mapCreate({ mapType: 2, keySize: 4, valueSize: 4, maxEntries: 1 }), "array");
    expect(() => newReader(array)).toThrow(/type 2, not 27/);
    expect(() => newReader({ fd: -1 })).toThrow(ArgumentError);
  });
});

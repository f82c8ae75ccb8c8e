// The event readers against a real producer: a uprobe / uretprobe pair on libc's getaddrinfo
// (bpf/getaddrinfo.c), triggered by this process's own dns.lookup("localhost") on the libuv
// threadpool, reporting each call to a perf buffer from a stack struct, to a perf buffer from a
// per-CPU array heap (an event larger than the 512-byte BPF stack) and to a ring buffer.
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCollectionSpec, newCollection, type Collection } from "../../src/index.js";
import { openExecutable, type Link } from "../../src/link/index.js";
import { newReader as newPerfReader, type Reader as PerfReader } from "../../src/perf/index.js";
import { newReader as newRingbufReader, type Reader as RingbufReader } from "../../src/ringbuf/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

const object = new URL("../../bpf/getaddrinfo.o", import.meta.url).pathname;

/** Header of every event (see EVENT_HEADER in bpf/getaddrinfo.c), then the host buffer. */
const HEADER = 40;
const SIZES = { small: HEADER + 128, large: HEADER + 1024, ringbuf: HEADER + 256 } as const;
/** A perf sample is padded so that its length plus the 4-byte size field is a multiple of 8. */
const perfLength = (size: number): number => Math.ceil((size + 4) / 8) * 8 - 4;

interface Event {
  pid: number;
  tid: number;
  ret: number;
  hostLen: number;
  latencyNs: bigint;
  comm: string;
  host: string;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString("utf8");
}

function decode(sample: Uint8Array, hostSize: number): Event {
  const v = new DataView(sample.buffer, sample.byteOffset, sample.byteLength);
  const hostLen = v.getUint32(12, true);
  return {
    pid: v.getUint32(0, true),
    tid: v.getUint32(4, true),
    ret: v.getInt32(8, true),
    hostLen,
    latencyNs: v.getBigUint64(16, true),
    comm: cString(sample.subarray(24, 40)),
    host: cString(sample.subarray(HEADER, HEADER + Math.min(hostLen, hostSize))),
  };
}

const LOOKUPS = 5;

describe("getaddrinfo events, three ways", () => {
  let coll: Collection;
  let links: Link[] = [];
  let perfSmall: PerfReader;
  let perfLarge: PerfReader;
  let ring: RingbufReader;

  beforeAll(async () => {
    coll = newCollection(await loadCollectionSpec(object));
    perfSmall = newPerfReader(coll.maps.perf_small!, 4 * 4096);
    perfLarge = newPerfReader(coll.maps.perf_large!, 16 * 4096);
    ring = newRingbufReader(coll.maps.rb!);
    const libc = openExecutable("libc.so.6");
    links = [
      libc.uprobe("getaddrinfo", coll.programs.getaddrinfo_entry!, { pid: process.pid }),
      libc.uretprobe("getaddrinfo", coll.programs.getaddrinfo_return!, { pid: process.pid }),
    ];
  });

  afterAll(() => {
    for (const l of links) l.close();
    perfSmall?.close();
    perfLarge?.close();
    ring?.close();
    coll?.close();
  });

  const checkEvent = (e: Event): void => {
    expect(e.pid).toBe(process.pid);
    expect(e.ret).toBe(0);
    expect(e.host).toBe("localhost");
    expect(e.hostLen).toBe("localhost".length + 1);
    expect(e.latencyNs).toBeGreaterThan(0n);
    expect(e.latencyNs).toBeLessThan(10_000_000_000n);
    // getaddrinfo ran on one of this process's threads (a libuv threadpool worker).
    const task = `/proc/self/task/${e.tid}`;
    expect(existsSync(task), task).toBe(true);
    expect(e.comm).toBe(readFileSync(`${task}/comm`, "utf8").trimEnd());
  };

  it("delivers every event once per channel, with the right size and contents", async () => {
    for (let i = 0; i < LOOKUPS; i++) {
      const addresses = await lookup("localhost", { all: true });
      expect(addresses.length).toBeGreaterThan(0);
    }

    const small: Event[] = [];
    const large: Event[] = [];
    const ringbuf: Event[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const a = await perfSmall.read({ timeout: 2000 });
      expect(a.lostSamples).toBe(0);
      expect(a.sample.length).toBe(perfLength(SIZES.small));
      small.push(decode(a.sample, 128));

      const b = await perfLarge.read({ timeout: 2000 });
      expect(b.lostSamples).toBe(0);
      expect(b.sample.length).toBe(perfLength(SIZES.large));
      large.push(decode(b.sample, 1024));

      const c = await ring.read({ timeout: 2000 });
      expect(c.sample.length).toBe(SIZES.ringbuf);
      ringbuf.push(decode(c.sample, 256));
    }
    for (const e of [...small, ...large, ...ringbuf]) checkEvent(e);

    // The three channels report the same calls: same thread and the same latency, computed once.
    const key = (e: Event): string => `${e.tid}/${e.latencyNs}`;
    const calls = small.map(key).sort();
    expect(new Set(calls).size).toBe(LOOKUPS);
    expect(large.map(key).sort()).toEqual(calls);
    expect(ringbuf.map(key).sort()).toEqual(calls);

    // Nothing more: exactly one event per lookup per channel.
    await expect(perfSmall.read({ timeout: 100 })).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(perfLarge.read({ timeout: 100 })).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(ring.read({ timeout: 100 })).rejects.toMatchObject({ name: "TimeoutError" });
    // Every entry was matched by its return.
    expect([...coll.maps.calls!.keys()]).toEqual([]);
  });

  it("stops delivering once the links are closed", async () => {
    for (const l of links) l.close();
    links = [];
    for (let i = 0; i < 3; i++) await lookup("localhost");
    await expect(perfSmall.read({ timeout: 200 })).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(perfLarge.read({ timeout: 200 })).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(ring.read({ timeout: 200 })).rejects.toMatchObject({ name: "TimeoutError" });
  });
});

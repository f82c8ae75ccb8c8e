// The XDP FizzBuzzFibonacci story, kernel side: bpf/xdp_fizzbuzz.o run through BPF_PROG_TEST_RUN
// on crafted packets (queue contents and per-CPU action counters checked exactly), and attached
// with attachXDP to a veth pair carrying real datagrams. `npm run demo` itself runs as a child
// process in test/examples/xdp-fizzbuzz.test.ts.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadCollectionSpecFromBuffer, newCollection, type Collection } from "../../src/index.js";
import { attachXDP } from "../../src/link/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { why } from "../helpers/kernel.js";
import { createVethPair, vethMissing } from "./link-fixtures.js";

expectNoFdLeaks();

const object = new URL("../../bpf/xdp_fizzbuzz.o", import.meta.url).pathname;

const XDP_DROP = 1;
const XDP_PASS = 2;
const Slot = { drop: 1, pass: 2, ipv4: 5, other: 6 } as const;
const Kind = { none: 0, fizz: 1, buzz: 2, fizzBuzz: 3, fibonacci: 4 } as const;

/** An Ethernet frame of `etherType` followed by `payload`. */
function frame(etherType: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2]);
  new DataView(f.buffer).setUint16(12, etherType);
  f.set(payload, 14);
  return f;
}

/** An IPv4 UDP packet from `saddr` to 10.77.0.254, header length `ihl` words. */
function ipv4(saddr: readonly number[], ihl = 5): Uint8Array {
  const ip = new Uint8Array(28);
  ip[0] = 0x40 | ihl;
  new DataView(ip.buffer).setUint16(2, ip.length);
  ip[8] = 64;
  ip[9] = 17;
  ip.set(saddr, 12);
  ip.set([10, 77, 0, 254], 16);
  return frame(0x0800, ip);
}

const ipv6 = (): Uint8Array => frame(0x86dd, Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? 0x60 : i)));
const arp = (): Uint8Array => frame(0x0806, new Uint8Array(28));
/** A frame that says IPv4 but ends 10 bytes into the header. */
const truncated = (): Uint8Array => frame(0x0800, new Uint8Array([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17]));

function counter(coll: Collection, slot: number): bigint {
  return coll.maps.counters!.lookupPerCPU(slot)!.reduce((sum, v) => sum + new DataView(v.buffer, v.byteOffset).getBigUint64(0, true), 0n);
}

/** Every queued message as "a.b.c.d kind", oldest first; empties the queue. */
function drain(coll: Collection): string[] {
  const out: string[] = [];
  for (let m = coll.maps.messages!.pop(); m !== undefined; m = coll.maps.messages!.pop()) {
    out.push(`${[...m.subarray(0, 4)].join(".")} ${new DataView(m.buffer, m.byteOffset).getUint32(4, true)}`);
  }
  return out;
}

let coll: Collection;
beforeAll(() => {
  coll = newCollection(loadCollectionSpecFromBuffer(readFileSync(object)));
});
afterAll(() => coll?.close());
afterEach(() => {
  drain(coll);
});

describe("xdp_fizzbuzz under BPF_PROG_TEST_RUN", () => {

  it("queues one message per IPv4 packet whose last source byte is Fibonacci, or divisible by 3 or 5", () => {
    const cases: [number[], number][] = [
      [[10, 77, 0, 0], Kind.fibonacci], // F0 = 0, though also a multiple of 15: Fibonacci wins
      [[10, 77, 0, 1], Kind.fibonacci],
      [[10, 77, 0, 3], Kind.fibonacci],
      [[10, 77, 0, 4], Kind.none],
      [[10, 77, 0, 6], Kind.fizz],
      [[10, 77, 0, 10], Kind.buzz],
      [[10, 77, 0, 15], Kind.fizzBuzz],
      [[10, 77, 0, 21], Kind.fibonacci], // a multiple of 3, and Fibonacci
      [[10, 77, 0, 55], Kind.fibonacci], // a multiple of 5, and Fibonacci
      [[10, 77, 0, 144], Kind.fibonacci],
      [[10, 77, 0, 233], Kind.fibonacci],
      [[10, 77, 0, 234], Kind.fizz],
      [[10, 77, 0, 255], Kind.fizzBuzz],
      [[10, 77, 0, 7], Kind.none],
      // The last byte of the address (saddr % 256 in host order), not the first.
      [[3, 0, 0, 10], Kind.buzz],
      [[10, 0, 0, 3], Kind.fibonacci],
    ];
    const pass = counter(coll, Slot.pass);
    const seen = counter(coll, Slot.ipv4);
    for (const [saddr] of cases) expect(coll.programs.xdp_fizzbuzz!.run({ data: ipv4(saddr) }).retval).toBe(XDP_PASS);
    expect(drain(coll)).toEqual(cases.filter(([, k]) => k !== Kind.none).map(([s, k]) => `${s.join(".")} ${k}`));
    expect(counter(coll, Slot.pass) - pass).toBe(BigInt(cases.length));
    expect(counter(coll, Slot.ipv4) - seen).toBe(BigInt(cases.length));
  });

  it("passes IPv6 and ARP without a message, drops truncated IPv4, and counts each action per CPU", () => {
    const before = Object.fromEntries(Object.entries(Slot).map(([k, s]) => [k, counter(coll, s)]));
    const prog = coll.programs.xdp_fizzbuzz!;
    expect(prog.run({ data: ipv6() }).retval).toBe(XDP_PASS);
    expect(prog.run({ data: arp() }).retval).toBe(XDP_PASS);
    expect(prog.run({ data: truncated() }).retval).toBe(XDP_DROP);
    expect(prog.run({ data: ipv4([10, 77, 0, 3], 4) }).retval).toBe(XDP_DROP); // header length below 20 bytes
    expect(prog.run({ data: ipv4([10, 77, 0, 9]) }).retval).toBe(XDP_PASS);
    expect(drain(coll)).toEqual([`10.77.0.9 ${Kind.fizz}`]);
    const delta = Object.fromEntries(Object.entries(Slot).map(([k, s]) => [k, counter(coll, s) - before[k]!]));
    expect(delta).toEqual({ drop: 2n, pass: 3n, ipv4: 1n, other: 2n });
    // One slot per CPU, and every run above landed on some CPU's slot.
    expect(coll.maps.counters!.lookupPerCPU(Slot.drop)!.length).toBeGreaterThanOrEqual(1);
  });

  it("keeps the newest 1024 messages when the queue overflows", () => {
    const prog = coll.programs.xdp_fizzbuzz!;
    prog.run({ data: ipv4([10, 77, 0, 3]) });
    const pass = counter(coll, Slot.pass);
    prog.run({ data: ipv4([10, 77, 0, 9]), repeat: 1100 });
    expect(counter(coll, Slot.pass) - pass).toBe(1100n);
    const messages = drain(coll);
    expect(messages).toHaveLength(1024);
    expect(new Set(messages)).toEqual(new Set([`10.77.0.9 ${Kind.fizz}`]));
  });
});

const noVeth = vethMissing();

describe(`xdp_fizzbuzz attached to a veth${why(noVeth)}`, () => {
  it.skipIf(noVeth !== undefined)("queues a message for each datagram arriving from the namespace", async () => {
    const veth = createVethPair("xsfb");
    try {
      using _link = attachXDP({ program: coll.programs.xdp_fizzbuzz!, interface: veth.host });
      const seen = counter(coll, Slot.ipv4);
      // From 169.254.77.1: 1 is a Fibonacci number.
      veth.ping(3);
      for (let i = 0; i < 500 && counter(coll, Slot.ipv4) - seen < 3n; i++) await new Promise((ok) => setTimeout(ok, 10));
      expect(counter(coll, Slot.ipv4) - seen).toBe(3n);
      expect(drain(coll)).toEqual(Array(3).fill(`169.254.77.1 ${Kind.fibonacci}`));
    } finally {
      veth.cleanup();
    }
  });
});

/**
 * The `typed` topic: what codecs cost on top of the raw byte APIs. TypeScript only (there is no C
 * counterpart of decoding to JavaScript objects).
 *
 * - `typed.map_lookup`: a lookup through `map.typed()` of a hash map with a 16-byte struct key
 *   (`struct flow_key` of `bpf/codec_types.o`: four u32 worth of addresses, ports, protocol and
 *   padding) and a u64 value, against `map.lookup` of the same key as prepared bytes into a
 *   reused buffer (variant `ebpf-raw`). ns per lookup over all keys.
 * - `typed.ringbuf_decode`: `records` 64-byte records of `bpf/bench_ringbuf.o` drained with a typed
 *   ring reader decoding each to a `struct event` object (of `bpf/codec_types.o`: u32s, bigints,
 *   a `char[16]` string, an enum and a pointer), ns per record; the `ebpf-raw` variant drains the
 *   same records with `consumeRaw` and no decoding. Every record is checked to be consumed.
 *
 * Both figures are CPU time of the process (a lookup's syscall counts as system time), not wall
 * time, so that other load on a shared host weighs less.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { Int, IntEncoding } from "ebpf/btf";
import { loadCollectionSpecFromBuffer, MapType, newMap, type CollectionSpec } from "ebpf";
import { newReader, type Reader } from "ebpf/ringbuf";
import { checkCounts, Producer, RECORDS_PER_RUN, type EventParams } from "./events.js";
import type { Figure, Suite } from "./suite.js";

/** CPU time (user + system) of this process in ns: the host is shared, so wall time would mostly measure other work. */
function cpuNs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) * 1e3;
}

/**
 * Parameters of the `typed` topic.
 *
 * @example
 * ```ts
 * const p: TypedParams = { entries: 1 << 16, passes: 4, events: { records: 1 << 20, ... }, codecObj: "bpf/codec_types.o" };
 * ```
 */
export interface TypedParams {
  /** Entries of the lookup map, all present. */
  entries: number;
  /** Passes over all keys per lookup figure and repetition. */
  passes: number;
  /** Records decoded per repetition, produced and drained `chunk` at a time. */
  events: EventParams;
  /** The object with `struct flow_key` and `struct event`. */
  codecObj: string;
}

interface FlowKey {
  saddr: number;
  daddr: number;
  sport: number;
  dport: number;
  proto: number;
}

function keyOf(i: number): FlowKey {
  return { saddr: 0x0a000000 + i, daddr: 0x0a000001, sport: i & 0xffff, dport: 443, proto: 6 };
}

/**
 * Make the map and the producer, fill and warm up (untimed), then measure per request.
 *
 * @example
 * ```ts
 * const suite = typedSuite(params);
 * suite.run("typed.map_lookup");
 * ```
 */
export function typedSuite(p: TypedParams): Suite {
  const spec: CollectionSpec = loadCollectionSpecFromBuffer(readFileSync(p.codecObj));
  const keyType = spec.types!.typeByName("flow_key");
  const eventType = spec.types!.typeByName("event");
  const u64 = new Int({ name: "__u64", size: 8, encoding: IntEncoding.Unsigned });
  const closers: { close(): void }[] = [];
  try {
    const map = newMap({ name: "typed_bench", type: MapType.Hash, keySize: 16, valueSize: 8, maxEntries: p.entries });
    closers.push(map);
    const typed = map.typed<FlowKey, bigint>({ key: keyType, value: u64 });
    const keyObjs = Array.from({ length: p.entries }, (_, i) => keyOf(i));
    const keyBytes = keyObjs.map((k) => typed.key!.encode(k));
    for (let i = 0; i < p.entries; i++) typed.update(keyObjs[i]!, BigInt(i));
    const out = new Uint8Array(8);
    const outView = new DataView(out.buffer);

    const prod = new Producer(p.events.obj, p.events.ringBytes);
    closers.push(prod);
    const reader: Reader = newReader(prod.events);
    closers.push(reader);
    const events = reader.typed<{ pid: number; seq: number }>(eventType);

    let sink = 0;
    const typedPass = (): number => {
      const t0 = cpuNs();
      for (let i = 0; i < p.entries; i++) {
        const v = typed.lookup(keyObjs[i]!);
        if (v === undefined) throw new Error(`typed lookup: key ${i} missing`);
        sink += Number(v & 1n);
      }
      return cpuNs() - t0;
    };
    const rawPass = (): number => {
      const t0 = cpuNs();
      for (let i = 0; i < p.entries; i++) {
        if (map.lookup(keyBytes[i]!, out) === undefined) throw new Error(`raw lookup: key ${i} missing`);
        sink += outView.getUint8(0) & 1;
      }
      return cpuNs() - t0;
    };
    let lowByteSum = 0;
    const onEvent = (e: { pid: number }) => {
      lowByteSum += e.pid & 0xff;
    };
    const onRaw = (data: Uint8Array, offset: number) => {
      lowByteSum += data[offset]!;
    };
    const drain = (figure: string, decode: boolean): number => {
      const before = { written: prod.stat(0), lost: prod.stat(1) };
      lowByteSum = 0;
      let ns = 0;
      let n = 0;
      for (let done = 0; done < p.events.records; done += p.events.chunk) {
        prod.run(p.events.chunk / RECORDS_PER_RUN);
        const t0 = cpuNs();
        n += decode ? events.consume(onEvent) : reader.consumeRaw(onRaw);
        ns += cpuNs() - t0;
      }
      checkCounts(figure, prod, before, n, 0, p.events.records, lowByteSum);
      return ns / n;
    };

    // Warm-up: compile the codecs' generated code and the loops.
    for (let w = 0; w < 2; w++) {
      typedPass();
      rawPass();
      drain("warm-up", true);
      drain("warm-up", false);
    }
    return {
      run(figure: string): Figure[] {
        switch (figure) {
          case "typed.map_lookup": {
            let typedNs = 0;
            let rawNs = 0;
            // Interleaved passes, so load changes on the host hit both sides alike.
            for (let pass = 0; pass < p.passes; pass++) {
              if (pass % 2 === 0) {
                rawNs += rawPass();
                typedNs += typedPass();
              } else {
                typedNs += typedPass();
                rawNs += rawPass();
              }
            }
            const ops = p.entries * p.passes;
            if (sink < 0) throw new Error("unreachable");
            return [
              { name: figure, value: typedNs / ops, unit: "ns/op" },
              { name: figure, value: rawNs / ops, unit: "ns/op", variant: "ebpf-raw" },
            ];
          }
          case "typed.ringbuf_decode":
            return [
              { name: figure, value: drain(figure, false), unit: "ns/op", variant: "ebpf-raw" },
              { name: figure, value: drain(figure, true), unit: "ns/op" },
            ];
          default:
            throw new Error(`typed: unknown figure ${figure}`);
        }
      },
      close(): void {
        for (const c of closers.reverse()) c.close();
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) c.close();
    throw e;
  }
}

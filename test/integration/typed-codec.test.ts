// Typed maps, event readers and variables against a real program: bpf/codec_types.c fills a map
// keyed by a struct, a per-CPU map, a copy of the current task_struct, a ring buffer, a perf
// event array and global variables when this process calls getppid(); every value is read back
// through codecs and compared with what the kernel and /proc say.
import { readFileSync } from "node:fs";
import { arch } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kind, loadKernelSpec, typeSize, CodecError, codecFor } from "../../src/btf/index.js";
import {
  AttachType,
  KeyNotExistError,
  loadCollectionSpecFromBuffer,
  MapBatchCursor,
  MissingTypeError,
  newCollection,
  possibleCPUs,
  type Collection,
  type CollectionSpec,
  typesOfMap,
} from "../../src/index.js";
import { attachTracing, type Link } from "../../src/link/index.js";
import { newReader as newPerfReader } from "../../src/perf/index.js";
import { newReader as newRingReader } from "../../src/ringbuf/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { programMissing, why } from "../helpers/kernel.js";

expectNoFdLeaks();

const OBJ = new URL("../../bpf/codec_types.o", import.meta.url).pathname;
// getppid: x86_64 110, arm64 173; Node calls it for each read of process.ppid.
const GETPPID: Record<string, number> = { x64: 110, arm64: 173 };

interface FlowKey {
  saddr: number;
  daddr: number;
  sport: number;
  dport: number;
  proto: number;
}

interface Event {
  pid: number;
  tgid: number;
  ts: bigint;
  comm: string;
  syscall: bigint;
  color: string | number;
  seq: number;
  task: bigint;
  cookie: bigint;
}

interface Task {
  pid: number;
  tgid: number;
  comm: string;
}

// Only a per-architecture syscall number or a kernel without tp_btf, ring buffers, perf arrays or
// bpf_get_current_task_btf (5.11) skip these.
const missing =
  GETPPID[arch()] === undefined
    ? `the getppid syscall number of ${arch()} is not in the test's table`
    : programMissing(loadCollectionSpecFromBuffer(readFileSync(OBJ)), "codec_sys_enter");

let spec: CollectionSpec;
let coll: Collection;
let link: Link;
let taskBytes: number;

function threadComm(pid: number): string {
  return readFileSync(`/proc/self/task/${pid}/comm`, "utf8").trimEnd();
}

describe.skipIf(missing !== undefined)(`typed values from a tp_btf program${why(missing)}`, () => {
  beforeAll(() => {
    spec = loadCollectionSpecFromBuffer(readFileSync(OBJ));
    const kernelTask = loadKernelSpec().typeByName("task_struct", Kind.Struct);
    taskBytes = typeSize(kernelTask);
    spec.variables.cfg!.setValue({ target_tgid: process.pid, trigger: GETPPID[arch()]!, color: "BLUE", tag: "typed" });
    spec.variables.task_size!.setValue(taskBytes);
    spec.maps.tasks!.valueSize = taskBytes;
    coll = newCollection(spec);
    link = attachTracing({ program: coll.programs.codec_sys_enter!, attachType: AttachType.AttachTraceRawTp });
  });
  afterAll(() => {
    link?.close();
    coll?.close();
  });

  it("reads variables before and after load through their codecs", () => {
    expect(spec.variables.origin!.getValue()).toEqual({ x: -3, y: 7 });
    expect(coll.variables.cfg!.getValue()).toEqual({ target_tgid: process.pid, trigger: GETPPID[arch()], color: "BLUE", tag: "typed" });
    expect(coll.variables.task_size!.getValue()).toBe(taskBytes);
    expect(() => coll.variables.cfg!.setValue({})).toThrow(/read-only/);
    coll.variables.origin!.setValue({ x: 11, y: -12 });
    expect(coll.variables.origin!.getValue()).toEqual({ x: 11, y: -12 });
    expect(() => coll.variables.origin!.setValue({ x: 1 })).toThrow(CodecError);
    expect(() => coll.variables.origin!.setValue({ x: 1 })).toThrow(/variable origin: y: missing/);
    expect(coll.variables.origin!.getValue()).toEqual({ x: 11, y: -12 });
  });

  it("decodes the task_struct the program copied with the kernel's own type", () => {
    const before = coll.variables.totals!.getValue<{ hits: bigint }>().hits;
    void process.ppid;
    const totals = coll.variables.totals!.getValue<{ hits: bigint; last_pid: number; last_comm: string }>();
    expect(totals.hits).toBe(before + 1n);
    const tasks = coll.maps.tasks!.typed<number, Task>({ key: codecFor(spec.types!.typeByName("__u32")), value: loadKernelSpec().typeByName("task_struct", Kind.Struct) });
    const task = tasks.lookup(0)!;
    expect(task.tgid).toBe(process.pid);
    expect(task.pid).toBe(totals.last_pid);
    expect(task.comm).toBe(threadComm(task.pid));
    expect(totals.last_comm).toBe(task.comm);
  });

  it("round-trips struct keys and values of every kind through a hash map", () => {
    void process.ppid;
    const flows = coll.maps.flows!.typed<FlowKey, Record<string, unknown>>();
    const entries = [...flows.entries()].filter(([k]) => k.saddr === process.pid);
    expect(entries.length).toBeGreaterThan(0);
    const [key, v] = entries[0]!;
    expect(key).toEqual({ saddr: process.pid, daddr: key.daddr, sport: 1, dport: 2, proto: 17 });
    expect(threadComm(key.daddr).length).toBeGreaterThan(0);
    expect(v).toMatchObject({
      delta: -5n,
      color: "BLUE",
      level: "LOW",
      s8: -8,
      u8: 200,
      s16: -16,
      u16: 60000,
      s32: -32,
      kind: 5,
      offset: -9,
      big: 0xabcdef1234n,
      ok: true,
      name: threadComm(key.daddr).slice(0, 11),
      mac: new Uint8Array([0xde, 0, 0, 0, 0, 0xad]),
      ports: [0, 0, 0, 443],
      range: { lo: 10, hi: 20 },
      u: { word: 0x01020304, bytes: new Uint8Array([4, 3, 2, 1]) },
      as_double: 1.5,
      f32: 0.25,
      f64: -2.5,
      cv: 7,
      pts: [{ x: 0, y: 0 }, { x: -1, y: 2 }],
    });
    expect(typeof v.ptr).toBe("bigint");
    expect(v.ptr).not.toBe(0n);
    expect(flows.lookup(key)).toEqual(v);

    const mine: FlowKey = { saddr: 1, daddr: 2, sport: 3, dport: 4, proto: 6 };
    const value = { ...v, packets: 99n, name: "written", color: 2, level: "HIGH" };
    flows.update(mine, value);
    expect(flows.lookup(mine)).toEqual({ ...value, color: "GREEN" });
    // The 3 bytes of tail padding went in as zero: the raw key matches one built by hand.
    const raw = new Uint8Array(16);
    new DataView(raw.buffer).setUint32(0, 1, true);
    new DataView(raw.buffer).setUint32(4, 2, true);
    raw.set([3, 0, 4, 0, 6], 8);
    expect(coll.maps.flows!.lookup(raw)).toBeDefined();
    expect(flows.lookupAndDelete(mine)?.packets).toBe(99n);
    expect(flows.lookup(mine)).toBeUndefined();
    expect(() => flows.delete(mine)).toThrow(KeyNotExistError);
    expect(() => flows.update(mine, { ...value, name: "much too long a name" })).toThrow(/name: string "much too long a name" is 20 UTF-8 bytes, more than the 12/);
    expect(() => flows.update({ ...mine, sport: 70000 }, value)).toThrow(/sport: expected an integer that fits u16, got 70000/);
  });

  it("batches typed entries", () => {
    const flows = coll.maps.flows!.typed<FlowKey, Record<string, unknown>>();
    const [, template] = [...flows.entries()][0]!;
    const keys = [10, 11, 12].map((n) => ({ saddr: n, daddr: n, sport: n, dport: n, proto: n }));
    expect(flows.batchUpdate(keys.map((k, i) => [k, { ...template, packets: BigInt(i) }] as const))).toBe(3);
    const seen = new Map<number, bigint>();
    const cursor = new MapBatchCursor();
    for (let part = flows.batchLookup(cursor, 2); part.length > 0; part = flows.batchLookup(cursor, 2)) {
      for (const [k, v] of part) seen.set(k.saddr, v.packets as bigint);
    }
    expect([seen.get(10), seen.get(11), seen.get(12)]).toEqual([0n, 1n, 2n]);
    expect(flows.batchDelete(keys)).toBe(3);
    expect(flows.lookup(keys[0]!)).toBeUndefined();
  });

  it("decodes per-CPU values to one object per possible CPU", () => {
    void process.ppid;
    const points = coll.maps.points!.typed<number, { x: number; y: number }[]>();
    const all = points.lookup(0)!;
    expect(all).toHaveLength(possibleCPUs());
    const hit = all.filter((p) => p.y < 0);
    expect(hit.length).toBeGreaterThan(0);
    for (const p of hit) expect(all[p.x]).toBe(p);
    points.update(1, all.map((_, cpu) => ({ x: cpu, y: cpu * 10 })));
    expect(points.lookup(1)).toEqual(all.map((_, cpu) => ({ x: cpu, y: cpu * 10 })));
    expect(() => points.update(1, [{ x: 1, y: 1 }])).toThrow(new RegExp(`array of ${possibleCPUs()} values`));
  });

  it("leaves kernel-owned members out and writes them as zero", () => {
    const locks = coll.maps.locks!.typed<number, { n: bigint }>();
    locks.update(1, { n: 5n });
    expect(locks.lookup(1)).toEqual({ n: 5n });
  });

  it("reads decoded events from the ring buffer", async () => {
    using reader = newRingReader(coll.maps.events!);
    reader.consume(() => {});
    const events = reader.typed<Event>("event", spec.types);
    void process.ppid;
    const e = await events.read({ timeout: 2000 });
    expect(e).toMatchObject({ tgid: process.pid, syscall: BigInt(GETPPID[arch()]!), color: "BLUE", cookie: 0xc0dec0dec0dec0den });
    expect(e.comm).toBe(threadComm(e.pid));
    expect(e.task).not.toBe(0n);
    void process.ppid;
    void process.ppid;
    const seqs: number[] = [];
    expect(events.consume((ev) => seqs.push(ev.seq))).toBe(2);
    expect(seqs).toEqual([e.seq + 1, e.seq + 2]);
    // The program keeps its last event in a global too.
    expect(coll.variables.last_event!.getValue<Event>()).toMatchObject({ seq: e.seq + 2, tgid: process.pid, cookie: e.cookie });
  });

  it("reads decoded events from the perf event array", async () => {
    using reader = newPerfReader(coll.maps.perf_events!, 4096);
    const events = reader.typed<Event>(spec.types!.typeByName("event"));
    void process.ppid;
    const rec = await events.read({ timeout: 2000 });
    expect(rec.lostSamples).toBe(0);
    expect(rec.value).toMatchObject({ tgid: process.pid, color: "BLUE", cookie: 0xc0dec0dec0dec0den });
    expect(rec.value!.comm).toBe(threadComm(rec.value!.pid));
  });

  it("names the map that has no BTF types", () => {
    expect(() => coll.maps.tasks!.typed()).toThrow(MissingTypeError);
    expect(() => coll.maps.tasks!.typed()).toThrow(/map tasks: no BTF key and value type/);
    expect(() => coll.maps.flows!.typed({ value: spec.types!.typeByName("point") })).toThrow(/value codec is for 8 bytes/);
  });

  it("keeps each map's BTF types on the map, out of its own keys", () => {
    const { key, value } = typesOfMap(coll.maps.flows!);
    expect(key).toBe(spec.maps.flows!.key);
    expect(value).toBe(spec.maps.flows!.value);
    expect(typesOfMap(coll.maps.tasks!)).toEqual({ key: undefined, value: undefined });
    expect(Object.keys(coll.maps.flows!)).toEqual(["type", "keySize", "valueSize", "maxEntries", "flags", "name", "valueBufferSize"]);
    expect(Object.getOwnPropertySymbols(coll.maps.flows!).filter((s) => Object.getOwnPropertyDescriptor(coll.maps.flows!, s)!.enumerable)).toEqual([]);
  });
});

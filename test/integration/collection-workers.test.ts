// newCollection hands a collection's larger programs to worker threads (src/syscall/bpf-thread.ts)
// so the kernel verifies one while the main thread prepares the next, and creates its larger maps
// there while it creates the rest: what comes back must be what loading them one by one gives,
// failures included. The CI host and the qemu guests have 2 CPUs,
// so one worker.
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { LoadError, loadCollectionSpec, MapType, newCollection, type CollectionSpec } from "../../src/index.js";
import { ProgramType, VerifierError } from "../../src/prog/index.js";
import {
  bpfOnWorker,
  bpfWorkersReady,
  BpfCmd,
  closeRaw,
  Errno,
  progLoadAttr,
  setBpfWorkersIdle,
  startBpfQueue,
} from "../../src/syscall/index.js";
import { udpPacket } from "../helpers/bench-load.js";
import { expectNoFdLeaks, openFdCount } from "../helpers/fds.js";
import { verifierThreadCount, verifierThreadSleeps } from "../helpers/threads.js";

expectNoFdLeaks();

const object = new URL("../../bpf/bench_load.o", import.meta.url).pathname;

/** `spec` with program `name` loaded as an XDP program, which the verifier refuses for skb helpers. */
function withWrongType(spec: CollectionSpec, name: string): CollectionSpec {
  spec.programs[name] = { ...spec.programs[name]!, type: ProgramType.XDP };
  return spec;
}

/** What `newCollection(spec)` throws; undefined (the collection closed) when it loads. */
function errorOf(spec: CollectionSpec): unknown {
  try {
    newCollection(spec).close();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A BPF_MAP_LOOKUP_ELEM attribute of map fd -1: a call that fails with EBADF and opens nothing. */
function badLookup(): Uint8Array {
  const attr = new Uint8Array(32);
  new DataView(attr.buffer).setInt32(0, -1, true);
  return attr;
}

describe("bpfOnWorker", () => {
  it("starts one call per idle worker and returns its result, or the negated errno", async () => {
    const workers = await bpfWorkersReady();
    // One thread fewer than the CPUs, at most three.
    expect(workers).toBe(Math.max(0, Math.min(3, availableParallelism() - 1)));
    const insns = asm.marshalInstructions([asm.Mov.Imm(asm.R0, 2), asm.Return()], asm.nativeByteOrder);
    const attr = progLoadAttr({ progType: ProgramType.XDP, insns, license: "GPL" });
    const load = bpfOnWorker(BpfCmd.PROG_LOAD, attr, insns);
    if (workers === 0) {
      expect(load).toBeUndefined();
      return;
    }
    const fd = load!.wait();
    expect(fd).toBeGreaterThan(2);
    closeRaw(fd);

    expect(bpfOnWorker(BpfCmd.MAP_LOOKUP_ELEM, badLookup(), [])!.wait()).toBe(-Errno.EBADF);
  });

  it("ends the workers once idle for the set time and starts them again on the next call", async () => {
    const workers = await bpfWorkersReady();
    expect(verifierThreadCount()).toBe(workers);
    const fds = openFdCount();
    setBpfWorkersIdle(200);
    try {
      // Wait (up to 5 s) until the worker threads are gone.
      for (let t = 0; t < 250 && verifierThreadCount() > 0; t++) await new Promise((r) => setTimeout(r, 20));
      expect(verifierThreadCount()).toBe(0);
      if (workers > 0) expect(openFdCount()).toBeLessThan(fds);
    } finally {
      setBpfWorkersIdle(30_000);
    }
    expect(await bpfWorkersReady()).toBe(workers);
    expect(verifierThreadCount()).toBe(workers);
    expect(openFdCount()).toBe(fds);
  });
});

describe("startBpfQueue", () => {
  it("runs each entry once, on a worker or on the caller's thread, and gives each its result", async () => {
    const workers = await bpfWorkersReady();
    const queue = startBpfQueue();
    if (workers === 0) {
      expect(queue).toBeUndefined();
      return;
    }
    const insns = asm.marshalInstructions([asm.Mov.Imm(asm.R0, 2), asm.Return()], asm.nativeByteOrder);
    const attr = progLoadAttr({ progType: ProgramType.XDP, insns, license: "GPL" });
    // The caller never takes an entry it waits for first, so a worker runs it.
    expect(queue!.push(BpfCmd.PROG_LOAD, attr, insns)).toBe(0);
    const fds = [queue!.wait(0)];
    for (let i = 1; i < 6; i++) expect(queue!.push(BpfCmd.PROG_LOAD, attr, insns)).toBe(i);
    expect(queue!.push(BpfCmd.MAP_LOOKUP_ELEM, badLookup(), [])).toBe(6);
    queue!.close();
    expect(queue!.push(BpfCmd.PROG_LOAD, attr, insns), "closed").toBe(-1);
    const mine = new Set<number>();
    for (let i = queue!.take(); i >= 0; i = queue!.take()) {
      mine.add(i);
      expect(() => queue!.wait(i)).toThrow(RangeError);
    }
    for (let i = 1; i < 6; i++) fds.push(mine.has(i) ? -1 : queue!.wait(i));
    if (!mine.has(6)) expect(queue!.wait(6)).toBe(-Errno.EBADF);
    const opened = fds.filter((fd) => fd !== -1);
    expect(opened.length).toBe(6 - [...mine].filter((i) => i < 6).length);
    for (const fd of opened) expect(fd).toBeGreaterThan(2);
    expect(new Set(opened).size).toBe(opened.length);
    for (const fd of opened) closeRaw(fd);
    // Every worker leaves a closed, empty queue: a single call finds one idle again.
    let r: number | undefined;
    for (let t = 0; t < 100 && (r = bpfOnWorker(BpfCmd.MAP_LOOKUP_ELEM, badLookup(), [])?.wait()) === undefined; t++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(r).toBe(-Errno.EBADF);
  });

  it("holds 64 entries, and opens one at a time", async () => {
    if ((await bpfWorkersReady()) === 0) return;
    const queue = startBpfQueue()!;
    // Its workers stay in it until it closes, so none is idle for another.
    expect(startBpfQueue(), "a queue is open").toBeUndefined();
    for (let i = 0; i < 64; i++) expect(queue.push(BpfCmd.MAP_LOOKUP_ELEM, badLookup(), [])).toBe(i);
    expect(queue.push(BpfCmd.MAP_LOOKUP_ELEM, badLookup(), []), "full").toBe(-1);
    queue.close();
    const mine = new Set<number>();
    for (let i = queue.take(); i >= 0; i = queue.take()) mine.add(i);
    for (let i = 0; i < 64; i++) if (!mine.has(i)) expect(queue.wait(i)).toBe(-Errno.EBADF);
  });
});

describe("newCollection with programs verified on workers", () => {
  it("loads bench_load.o's five programs in spec order, each running as compiled", async () => {
    const spec = await loadCollectionSpec(object);
    using coll = newCollection(spec);
    expect(Object.keys(coll.programs)).toEqual(["sock_count", "xdp_pass", "xdp_track", "tc_event", "tc_mark"]);
    const p = coll.programs;
    expect(p.sock_count!.run({ data: udpPacket() }).retval).toBe(0);
    expect(p.xdp_pass!.run({ data: udpPacket() }).retval).toBe(2);
    expect(p.xdp_track!.run({ data: udpPacket() }).retval).toBe(2);
    expect(p.tc_event!.run({ data: udpPacket() }).retval).toBe(0);
    expect(p.tc_mark!.run({ data: udpPacket() }).retval).toBe(0);
    // Each program bumps its own slot of `totals`; not sock_count, whose test run starts the
    // packet at the network header, where its parser expects Ethernet.
    const totals = coll.maps.totals!;
    for (const slot of [1, 2, 3]) {
      const v = totals.lookup(new Uint8Array([slot, 0, 0, 0]))!;
      expect(new DataView(v.buffer, v.byteOffset).getBigUint64(0, true), `totals[${slot}]`).toBe(1n);
    }
  });

  it("a refused first program (the one a worker verifies) fails with the verifier's log; nothing stays open", async () => {
    const spec = withWrongType(await loadCollectionSpec(object), "sock_count");
    await bpfWorkersReady();
    const before = openFdCount();
    const err = errorOf(spec);
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).program).toBe("sock_count");
    expect((err as VerifierError).log).toMatch(/bpf_skb_load_bytes#26/);
    expect(openFdCount()).toBe(before);
  });

  it("when two programs are refused, the error is the first in spec order's", async () => {
    const spec = withWrongType(withWrongType(await loadCollectionSpec(object), "tc_mark"), "sock_count");
    const last = withWrongType(await loadCollectionSpec(object), "tc_mark");
    await bpfWorkersReady();
    const before = openFdCount();
    expect(() => newCollection(spec)).toThrow(expect.objectContaining({ program: "sock_count" }));
    expect(() => newCollection(last)).toThrow(expect.objectContaining({ program: "tc_mark" }));
    expect(openFdCount()).toBe(before);
  });
});

describe("newCollection with parallel: false", () => {
  it("wakes no worker: every call is the calling thread's", async () => {
    const spec = await loadCollectionSpec(object);
    if ((await bpfWorkersReady()) === 0) return;
    // A worker that has just returned a result goes to sleep a moment later: wait for the count
    // to settle.
    let sleeps = verifierThreadSleeps();
    for (let t = 0; t < 50; t++) {
      await new Promise((r) => setTimeout(r, 20));
      const now = verifierThreadSleeps();
      if (now === sleeps) break;
      sleeps = now;
    }
    for (let i = 0; i < 3; i++) newCollection(spec, { parallel: false }).close();
    expect(verifierThreadSleeps()).toBe(sleeps);
    // The same loads with the workers: each wakes one.
    for (let i = 0; i < 3; i++) newCollection(spec).close();
    expect(verifierThreadSleeps()).toBeGreaterThan(sleeps);
  });

  it("starts no worker in a process that has none", async () => {
    const spec = await loadCollectionSpec(object);
    await bpfWorkersReady();
    setBpfWorkersIdle(50);
    try {
      for (let t = 0; t < 250 && verifierThreadCount() > 0; t++) await new Promise((r) => setTimeout(r, 20));
      expect(verifierThreadCount()).toBe(0);
      for (let i = 0; i < 3; i++) {
        using coll = newCollection(spec, { parallel: false });
        expect(coll.programs.xdp_pass!.run({ data: udpPacket() }).retval).toBe(2);
      }
    } finally {
      setBpfWorkersIdle(30_000);
    }
    // Time enough for workers to start, had the loads started them (a process's second
    // collection does).
    await new Promise((r) => setTimeout(r, 300));
    expect(verifierThreadCount()).toBe(0);
  });
});

describe("newCollection with maps created on workers", () => {
  it("creates bench_load.o's large hash maps there: each is the map its spec asks for, in spec order", async () => {
    const spec = await loadCollectionSpec(object);
    await bpfWorkersReady();
    using coll = newCollection(spec);
    expect(Object.keys(coll.maps)).toEqual(Object.keys(spec.maps));
    for (const [name, m] of Object.entries(spec.maps)) {
      const map = coll.maps[name]!;
      const info = map.info();
      expect([info.name, info.type, info.keySize, info.valueSize, info.maxEntries], name).toEqual([
        name,
        m.type,
        m.keySize,
        m.valueSize,
        m.maxEntries,
      ]);
    }
    const counts = coll.maps.counts!;
    counts.update(new Uint8Array([7, 0, 0, 0]), new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
    expect([...counts.lookup(new Uint8Array([7, 0, 0, 0]))!]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    // Typed through the object's BTF, as a map made on this thread is.
    expect(counts.typed().lookup(7)).toBe(1n);
  });

  it("a large map the kernel refuses fails with the map named and the errno; nothing stays open", async () => {
    const spec = await loadCollectionSpec(object);
    // BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG together: EINVAL from the kernel, not our checks.
    spec.maps.counts = { ...spec.maps.counts!, flags: (1 << 7) | (1 << 8) };
    expect(spec.maps.counts.type).toBe(MapType.Hash);
    await bpfWorkersReady();
    const before = openFdCount();
    const err = errorOf(spec);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toMatch(/^map counts: BPF_MAP_CREATE: EINVAL/);
    expect(openFdCount()).toBe(before);
  });

  it("a failure after a large map was handed off waits for it and closes it", async () => {
    const spec = await loadCollectionSpec(object);
    // totals comes after counts (handed off) and is refused before counts is collected.
    spec.maps.totals = { ...spec.maps.totals!, flags: (1 << 7) | (1 << 8) };
    await bpfWorkersReady();
    const before = openFdCount();
    expect(() => newCollection(spec)).toThrow(/^map totals: BPF_MAP_CREATE: EINVAL/);
    expect(openFdCount()).toBe(before);
  });
});

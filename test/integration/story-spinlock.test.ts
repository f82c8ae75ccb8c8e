// The bpf_spin_lock story, kernel side: bpf/spinlock_counter.o counts process forks in a
// {cnt, bpf_spin_lock} array value from a tp_btf program, read back with BPF_F_LOCK, and the same
// code as a classic tracepoint program is refused by the verifier. The example itself runs as a
// child process in test/examples/spinlock-counter.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  loadAndAssign,
  loadCollectionSpecFromBuffer,
  LookupLock,
  newCollection,
  VerifierError,
  type BpfMap,
  type CollectionSpec,
} from "../../src/index.js";
import { attachTracing } from "../../src/link/index.js";
import { ProgramType } from "../../src/prog/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { programMissing, why } from "../helpers/kernel.js";

expectNoFdLeaks();

const object = new URL("../../bpf/spinlock_counter.o", import.meta.url).pathname;
const spec = (): CollectionSpec => loadCollectionSpecFromBuffer(readFileSync(object));

// tp_btf programs are typed against the kernel's own BTF (5.5+), and call bpf_spin_lock only where
// tracing programs have the helper (5.10 answers "unknown func bpf_spin_lock#93").
const noSpinLock = existsSync("/sys/kernel/btf/vmlinux")
  ? programMissing(spec(), "count_fork")
  : "tp_btf: no kernel BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)";

/** `forks[0].cnt` under the lock; the value is {u64 cnt; struct bpf_spin_lock lock} = 16 bytes. */
function count(forks: BpfMap): bigint {
  const value = forks.lookup(0, undefined, LookupLock)!;
  expect(value.length).toBe(16);
  return new DataView(value.buffer, value.byteOffset).getBigUint64(0, true);
}

describe("bpf_spin_lock fork counter", () => {
  it.skipIf(noSpinLock !== undefined)(`counts every fork under the lock, read with BPF_F_LOCK${why(noSpinLock)}`, () => {
    const s = spec();
    expect(s.programs.count_fork).toMatchObject({ type: ProgramType.Tracing, attachTo: "sched_process_fork" });
    // The "?" section keeps the tracepoint variant out of newCollection.
    expect(s.programs.count_fork_tracepoint?.autoload).toBe(false);
    using coll = newCollection(s);
    expect(Object.keys(coll.programs)).toEqual(["count_fork"]);
    using _link = attachTracing({ program: coll.programs.count_fork! });
    const before = count(coll.maps.forks!);
    const n = 20;
    for (let i = 0; i < n; i++) expect(spawnSync("true").status).toBe(0);
    expect(count(coll.maps.forks!) - before).toBeGreaterThanOrEqual(BigInt(n));
  });

  it("is refused as a classic tracepoint program, with the kernel's reason in the log", () => {
    let err: unknown;
    try {
      loadAndAssign(spec(), { programs: ["count_fork_tracepoint"] }).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).code).toBe("EINVAL");
    expect((err as VerifierError).log).toContain("tracing progs cannot use bpf_spin_lock yet");
    expect((err as VerifierError).message).toContain("tracing progs cannot use bpf_spin_lock yet");
  });
});

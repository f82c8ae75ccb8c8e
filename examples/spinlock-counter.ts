// A counter under a bpf_spin_lock, runnable as `npm run example:spinlock` (as root). The tp_btf
// program of bpf/spinlock_counter.o increments `forks[0].cnt` under the value's spin lock on every
// process fork; we read the value with BPF_F_LOCK (LookupLock), so the kernel takes the same lock
// while copying it out. Then it shows that the verifier refuses the same code as a classic
// tracepoint program. Everything is detached and closed on exit, on Ctrl-C and on error.
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import {
  loadAndAssign,
  loadCollectionSpec,
  LookupLock,
  NotSupportedError,
  PermissionError,
  VerifierError,
  type BpfMap,
  type Collection,
  type CollectionSpec,
} from "ebpf";
import { attachTracing, type Link } from "ebpf/link";

const usage = `Usage: npm run example:spinlock -- [--forks N] [--watch]

Attaches the tp_btf/sched_process_fork program of bpf/spinlock_counter.o, which counts process
forks in an array map whose value is {cnt, struct bpf_spin_lock}, runs /bin/true N times (default
5), and prints the count read with BPF_F_LOCK. Then it loads the same code as a classic tracepoint
program and prints the verifier's refusal. Detaches and closes everything when done, on Ctrl-C
and on error.

  --forks N  how many children to fork (default 5)
  --watch    print the count every second until Ctrl-C
  --help     print this text

Needs root (or CAP_BPF + CAP_PERFMON) and a kernel with BTF (CONFIG_DEBUG_INFO_BTF) and tp_btf
programs (5.5+).`;

/** `forks[0].cnt`, read under the value's spin lock. */
function readCount(forks: BpfMap, out: Uint8Array): bigint {
  forks.lookup(0, out, LookupLock);
  return new DataView(out.buffer, out.byteOffset).getBigUint64(0, true);
}

/** The verifier's one-line reason for refusing `count_fork_tracepoint`. */
function tracepointRefusal(spec: CollectionSpec): string {
  try {
    loadAndAssign(spec, { programs: ["count_fork_tracepoint"] }).close();
    return "loaded (this kernel allows spin locks in tracepoint programs)";
  } catch (err) {
    if (!(err instanceof VerifierError)) throw err;
    return `refused by the verifier: "${err.lines.find((l) => l.includes("spin_lock")) ?? err.message}"`;
  }
}

/** The one sentence printed when the example cannot run. */
function explain(err: unknown): string {
  // The collection loader wraps kernel errors with the map or program they concern.
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof PermissionError || e instanceof NotSupportedError) err = e;
  }
  if (err instanceof PermissionError) {
    return `spinlock-counter needs root (or CAP_BPF + CAP_PERFMON): the kernel refused ${err.command} with EPERM.`;
  }
  if (err instanceof NotSupportedError) return `spinlock-counter cannot run on this kernel: ${err.message}.`;
  if (err instanceof VerifierError && err.log.includes("unknown func bpf_spin_lock")) {
    return "spinlock-counter cannot run on this kernel: its tp_btf programs may not call bpf_spin_lock (Linux 5.10 refuses them; 6.1 allows them).";
  }
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.replace(/\.$/, "");
  return `spinlock-counter failed: ${first}.`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: "boolean" }, watch: { type: "boolean" }, forks: { type: "string" } } });
  if (values.help) {
    console.log(usage);
    return;
  }
  const forks = Number(values.forks ?? 5);
  if (!Number.isInteger(forks) || forks < 0 || forks > 10_000) {
    console.error(`spinlock-counter: --forks ${JSON.stringify(values.forks)} is not a whole number between 0 and 10000 (see --help).`);
    process.exitCode = 2;
    return;
  }

  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  let coll: Collection | undefined;
  let link: Link | undefined;
  try {
    const spec = await loadCollectionSpec(new URL("../bpf/spinlock_counter.o", import.meta.url).pathname);
    // Only count_fork: the "?" section prefix keeps the tracepoint variant out of the collection.
    coll = loadAndAssign(spec, { programs: ["count_fork"] });
    link = attachTracing({ program: coll.programs.count_fork! });
    const value = new Uint8Array(coll.maps.forks!.valueSize);
    console.log(`attached count_fork to tp_btf/sched_process_fork; the count starts at ${readCount(coll.maps.forks!, value)}`);

    for (let i = 0; i < forks; i++) spawnSync("true", { stdio: "ignore" });
    console.log(`forked ${forks} children (true): forks counted ${readCount(coll.maps.forks!, value)} (ours and any other process's)`);
    console.log(`the same code as a classic tracepoint program: ${tracepointRefusal(spec)}`);

    if (values.watch) {
      console.log("printing the count every second until Ctrl-C");
      while (!interrupted.signal.aborted) {
        await sleep(1000, undefined, { signal: interrupted.signal }).catch(() => undefined);
        if (!interrupted.signal.aborted) console.log(`forks counted: ${readCount(coll.maps.forks!, value)}`);
      }
    }
  } finally {
    link?.close();
    coll?.close();
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  console.log(`${interrupted.signal.aborted ? "interrupted: " : ""}detached and closed the program and its map`);
  if (interrupted.signal.aborted) process.exitCode = 130;
}

main().catch((err: unknown) => {
  console.error(explain(err));
  process.exitCode = 1;
});

// examples/spinlock-counter.ts run end to end as a child process, as a user runs it. Host only:
// under the VM suite's emulated CPUs each Node start takes tens of seconds, so the kernel side
// lives in test/integration/story-spinlock.test.ts.
import type { SpawnSyncReturns } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { loadCollectionSpecFromBuffer } from "../../src/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { runExample, startUntil } from "./child.js";
import { programMissing, why } from "../helpers/kernel.js";

expectNoFdLeaks();

const root = new URL("../../", import.meta.url).pathname;
// As in test/integration/story-spinlock.test.ts: kernel BTF, and bpf_spin_lock in tracing programs.
const noSpinLock = existsSync("/sys/kernel/btf/vmlinux")
  ? programMissing(loadCollectionSpecFromBuffer(readFileSync(`${root}bpf/spinlock_counter.o`)), "count_fork")
  : "tp_btf: no kernel BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)";

function run(args: readonly string[], options: { uid?: number; gid?: number } = {}): SpawnSyncReturns<string> {
  return runExample("spinlock-counter.ts", args, options);
}

// Each test starts Node on the TypeScript sources, which takes seconds on a loaded machine.
describe("npm run example:spinlock", { timeout: 120_000 }, () => {
  it("prints --help and exits 0", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run example:spinlock/);
  });

  it.skipIf(noSpinLock !== undefined)(`counts its own forks and shows the verifier's refusal${why(noSpinLock)}`, () => {
    const r = run(["--forks", "7"]);
    expect(r.stderr, r.stdout).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^attached count_fork to tp_btf\/sched_process_fork; the count starts at \d+$/);
    const m = /^forked 7 children \(true\): forks counted (\d+) \(ours and any other process's\)$/.exec(lines[1]!);
    expect(m, lines[1]).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(7);
    expect(lines[2]).toBe(
      'the same code as a classic tracepoint program: refused by the verifier: "tracing progs cannot use bpf_spin_lock yet"',
    );
    expect(lines[3]).toBe("detached and closed the program and its map");
  });

  it.skipIf(noSpinLock !== undefined)(`stops watching on SIGINT, closes everything and exits 130${why(noSpinLock)}`, async () => {
    const run = await startUntil("spinlock-counter.ts", ["--forks", "0", "--watch"], "until Ctrl-C");
    expect(await run.interrupt()).toBe(130);
    expect(run.stdout().trimEnd().split("\n").at(-1)).toBe("interrupted: detached and closed the program and its map");
  });

  it("refuses a bad --forks in one sentence", () => {
    const r = run(["--forks", "many"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('spinlock-counter: --forks "many" is not a whole number between 0 and 10000 (see --help).');
  });

  it.skipIf(userInfo().uid !== 0)("without privileges says so in one sentence and exits 1", () => {
    const r = run([], { uid: 65534, gid: 65534 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe("spinlock-counter needs root (or CAP_BPF + CAP_PERFMON): the kernel refused BPF_MAP_CREATE with EPERM.");
  });
});

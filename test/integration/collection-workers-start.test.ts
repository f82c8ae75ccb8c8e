// A process's first collection starts no worker thread (one could not be ready in time to help
// it); its second starts them in the background. Checked in a fresh process (the VM runs share
// one process across test files, and other files' loads start the workers).
import { availableParallelism } from "node:os";
import { expect, it } from "vitest";
import { runTs } from "../helpers/ts-child.js";

const root = new URL("../../", import.meta.url).pathname;

it("the first collection of a process runs on its thread alone; the second starts the workers", () => {
  const r = runTs("test/helpers/first-loads.ts", [], { cwd: root, timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const { workers, start, afterFirst, afterSecond, retired } = JSON.parse(r.stdout) as Record<string, { threads: number; fds: number }> & { workers: number };
  expect(workers).toBe(Math.max(0, Math.min(3, availableParallelism() - 1)));
  expect(afterFirst).toEqual(start);
  expect(afterSecond.threads).toBe(workers);
  // Once they retire, nothing of theirs stays open.
  expect(retired).toEqual(start);
}, 120_000); // a fresh Node process transforming the sources takes 10-20 s in a TCG guest

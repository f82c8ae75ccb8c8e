import { readdirSync } from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";
import { bpfWorkersReady } from "../../src/syscall/index.js";

/** Number of file descriptors this process has open right now. */
export function openFdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/**
 * Registers hooks that fail the file if it leaks file descriptors: the count taken before the
 * first test must be the count after the last one. Both counts are taken with the loader's worker
 * threads running (they hold fds of their own, and retire when idle).
 */
export function expectNoFdLeaks(): void {
  let before = 0;
  beforeAll(async () => {
    await bpfWorkersReady();
    before = openFdCount();
  });
  afterAll(async () => {
    await bpfWorkersReady();
    expect(openFdCount(), "open fds after the file's tests").toBe(before);
  });
}

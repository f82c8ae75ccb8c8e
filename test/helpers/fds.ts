import { readdirSync } from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";
import { bpfWorkersReady } from "../../src/syscall/index.js";

/** Number of file descriptors this process has open right now. */
export function openFdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/**
 * Registers hooks that fail the file if it leaks file descriptors: the count taken before the
 * first test must be the count after the last one. The worker threads that verify programs side
 * by side are started first, so that their own fds count as already open.
 */
export function expectNoFdLeaks(): void {
  let before = 0;
  beforeAll(async () => {
    // The loader's worker threads hold fds of their own for the life of the process.
    await bpfWorkersReady();
    before = openFdCount();
  });
  afterAll(() => {
    expect(openFdCount(), "open fds after the file's tests").toBe(before);
  });
}

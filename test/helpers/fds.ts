import { readdirSync } from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";

/** Number of file descriptors this process has open right now. */
export function openFdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/**
 * Registers hooks that fail the file if it leaks file descriptors: the count taken before the
 * first test must be the count after the last one.
 */
export function expectNoFdLeaks(): void {
  let before = 0;
  beforeAll(() => {
    before = openFdCount();
  });
  afterAll(() => {
    expect(openFdCount(), "open fds after the file's tests").toBe(before);
  });
}

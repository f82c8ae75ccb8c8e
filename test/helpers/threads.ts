import { readdirSync, readFileSync } from "node:fs";
import { THREAD_NAME } from "../../src/syscall/index.js";

// The status files of the loader's worker threads alive in this process, found by thread name.
function verifierThreadStatus(): string[] {
  const found: string[] = [];
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() !== THREAD_NAME) continue;
      found.push(readFileSync(`/proc/self/task/${tid}/status`, "utf8"));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return found;
}

/** Number of the loader's worker threads alive in this process, by their thread name. */
export function verifierThreadCount(): number {
  return verifierThreadStatus().length;
}

/**
 * Times the loader's worker threads have gone to sleep, summed: a worker that sleeps in
 * `Atomics.wait` counts one more each time it is woken for work and sleeps again.
 */
export function verifierThreadSleeps(): number {
  let n = 0;
  for (const status of verifierThreadStatus()) n += Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1] ?? 0);
  return n;
}

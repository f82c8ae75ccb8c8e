import { readdirSync, readFileSync } from "node:fs";
import { THREAD_NAME } from "../../src/syscall/index.js";

/** Number of the loader's worker threads alive in this process, by their thread name. */
export function verifierThreadCount(): number {
  let n = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() === THREAD_NAME) n++;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return n;
}

// Running an example as a user would: to completion, or until it prints a line that says it is
// waiting, so a test can send it SIGINT.
import type { SpawnSyncReturns } from "node:child_process";
import { runTs, spawnTs } from "../helpers/ts-child.js";

const root = new URL("../../", import.meta.url).pathname;

/** Run `examples/<name>` to completion (at most 100 s), optionally as another user. */
export function runExample(name: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): SpawnSyncReturns<string> {
  return runTs(`${root}examples/${name}`, args, { cwd: root, timeout: 100_000, ...options });
}

/** A running example: its output so far, a way to interrupt it, and its exit status to come. */
export interface Watching {
  readonly stdout: () => string;
  readonly interrupt: () => Promise<number | null>;
}

/**
 * Start `examples/<name>` and resolve once its stdout contains `marker`; if it never does (100 s),
 * interrupt it — SIGINT is also how the examples clean up — and reject.
 */
export async function startUntil(name: string, args: readonly string[], marker: string): Promise<Watching> {
  const child = spawnTs(`${root}examples/${name}`, args, root);
  let stdout = "";
  const closed = new Promise<number | null>((ok) => child.on("close", (code: number | null) => ok(code)));
  const interrupt = (): Promise<number | null> => {
    child.kill("SIGINT");
    return closed;
  };
  try {
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${name} did not print "${marker}": ${stdout}`)), 100_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(marker)) {
          clearTimeout(timer);
          ok();
        }
      });
    });
  } catch (err) {
    await interrupt();
    throw err;
  }
  return { stdout: () => stdout, interrupt };
}

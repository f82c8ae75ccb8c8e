// Running an example as a user would: to completion, or until it prints a line that says it is
// waiting, so a test can send it SIGINT.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";

const root = new URL("../../", import.meta.url).pathname;
const tsx = `${root}node_modules/.bin/tsx`;

/** Run `examples/<name>` to completion (at most 100 s), optionally as another user. */
export function runExample(name: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(tsx, [`${root}examples/${name}`, ...args], { cwd: root, encoding: "utf8", timeout: 100_000, ...options });
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
  const child = spawn(tsx, [`${root}examples/${name}`, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
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

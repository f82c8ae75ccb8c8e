/**
 * Runs programs for a suite from a small helper process instead of forking the bench process.
 * A fork marks every page of the forking process copy-on-write: the bench process (over 100 MiB
 * after the load warm-up) then takes a page fault on its next write to each page, and on a host
 * where page faults are dear (seen here: 1362 faults after one fork, and warm loads at 3.0 ms
 * after it against 1.9 ms without) the figures that follow measure the fork. The C side forks
 * from its own small process.
 *
 * @module
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

const mainScript = join(dirname(fileURLToPath(import.meta.url)), "launcher-main.ts");

/**
 * A helper process that runs programs to completion, one at a time. Until `close()` its pipes
 * keep this process alive, so a suite closes it also when its own setup fails.
 *
 * @example
 * ```ts
 * const launcher = new Launcher();
 * const out = await launcher.run("/bin/echo", ["hi"]); // "hi\n"
 * launcher.close();
 * ```
 */
export class Launcher {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #lines: AsyncIterator<string>;
  readonly #reader: Interface;

  constructor() {
    // Started with this process's loader flags (tsx): launcher-main.ts is TypeScript.
    this.#child = spawn(process.execPath, [...process.execArgv, mainScript], { stdio: ["pipe", "pipe", "inherit"] });
    this.#reader = createInterface({ input: this.#child.stdout });
    this.#lines = this.#reader[Symbol.asyncIterator]();
  }

  /** Run `file` with `args` to completion; its stdout, or an error with its message. */
  async run(file: string, args: readonly string[]): Promise<string> {
    this.#child.stdin.write(`${JSON.stringify([file, ...args])}\n`);
    const next = await this.#lines.next();
    if (next.done === true) throw new Error("the launcher process ended");
    const answer = JSON.parse(next.value) as { out?: string; error?: string };
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.out!;
  }

  /** End the helper process. */
  close(): void {
    this.#reader.close();
    this.#child.stdin.end();
  }
}

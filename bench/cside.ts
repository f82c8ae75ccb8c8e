/**
 * The C side of the bench: checking that gcc and Debian's libbpf-dev are there, building
 * `bench/c/<topic>.c` into `bench/build/<topic>`, and driving the running program one figure at a
 * time over stdin / stdout (the protocol of `run_repetitions` in `bench/c/common.h`).
 *
 * @module
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Unit } from "./ts/suite.js";

const LIBBPF_HEADER = "/usr/include/bpf/libbpf.h";

/**
 * One figure as the C side prints it: `variant` is `c-raw` (raw syscall) or `libbpf`.
 *
 * @example
 * ```ts
 * const f: CFigure = { name: "map.hash.lookup", variant: "c-raw", value: 390.2, unit: "ns/op" };
 * ```
 */
export interface CFigure {
  name: string;
  variant: string;
  value: number;
  unit: Unit;
}

function hasGcc(): boolean {
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The one command that installs what building the C side needs, or `undefined` when nothing is
 * missing.
 *
 * @example
 * ```ts
 * const cmd = missingPrerequisites();
 * if (cmd) console.error(`run: ${cmd}`);
 * ```
 */
export function missingPrerequisites(): string | undefined {
  const packages = [...(hasGcc() ? [] : ["gcc"]), ...(existsSync(LIBBPF_HEADER) ? [] : ["libbpf-dev"])];
  return packages.length === 0 ? undefined : `apt-get install -y ${packages.join(" ")}`;
}

/**
 * Compile `<benchDir>/c/<topic>.c` with gcc -O2 against libbpf into `<benchDir>/build/<topic>`;
 * returns the binary's path. Throws with gcc's output on failure.
 *
 * @example
 * ```ts
 * const bin = buildC("/work/main/bench", "maps");
 * ```
 */
export function buildC(benchDir: string, topic: string): string {
  const out = join(benchDir, "build");
  mkdirSync(out, { recursive: true });
  const bin = join(out, topic);
  try {
    execFileSync("gcc", ["-O2", "-Wall", "-Wextra", "-o", bin, join(benchDir, "c", `${topic}.c`), "-lbpf"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`building bench/c/${topic}.c failed:\n${err.stderr?.toString() ?? err.message}`);
  }
  return bin;
}

/**
 * A running C bench program: set up once, then one figure per {@link CProgram.run} call.
 *
 * @example
 * ```ts
 * const c = await CProgram.start("maps", bin, ["--entries", "1048576"]);
 * const figures = await c.run("map.hash.lookup");
 * await c.close();
 * ```
 */
export class CProgram {
  readonly #name: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;
  #exited = false;
  #exitCode: number | null = null;
  #stderr = "";
  readonly #closed: Promise<void>;

  private constructor(name: string, bin: string, args: string[]) {
    this.#name = name;
    this.#child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.#child.stdout }).on("line", (line) => {
      this.#lines.push(line);
      this.#notify();
    });
    this.#child.stderr.on("data", (d: Buffer) => (this.#stderr += d.toString()));
    // A write to a program that has died must not crash the runner; #next reports the death.
    this.#child.stdin.on("error", () => {});
    this.#closed = new Promise((resolve) => {
      const done = (code: number | null) => {
        this.#exited = true;
        this.#exitCode = code;
        this.#notify();
        resolve();
      };
      this.#child.on("close", done);
      this.#child.on("error", (e) => {
        this.#stderr += e.message;
        done(null);
      });
    });
  }

  /**
   * Start `bin` and wait until it has set up (created and filled its objects).
   *
   * @example
   * ```ts
   * const c = await CProgram.start("btf", "bench/build/btf", []);
   * ```
   */
  static async start(name: string, bin: string, args: string[]): Promise<CProgram> {
    const c = new CProgram(name, bin, args);
    const first = await c.#next();
    if ((JSON.parse(first) as { ready?: boolean }).ready !== true) throw new Error(`${name}: expected {"ready": true}, got ${first}`);
    return c;
  }

  /**
   * Measure the named figure once (every variant, one or more samples each).
   *
   * @example
   * ```ts
   * for (const f of await c.run("map.hash.lookup")) console.log(f.name, f.variant, f.value);
   * ```
   */
  async run(figure: string): Promise<CFigure[]> {
    this.#child.stdin.write(`${figure}\n`);
    const figures: CFigure[] = [];
    for (;;) {
      const line = await this.#next();
      let msg: Partial<CFigure> & { done?: boolean };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        throw new Error(`${this.#name}: not a JSON line: ${line}`);
      }
      if (msg.done === true) return figures;
      if (typeof msg.name !== "string" || typeof msg.variant !== "string" || typeof msg.value !== "number" || typeof msg.unit !== "string") {
        throw new Error(`${this.#name}: malformed figure line: ${line}`);
      }
      figures.push(msg as CFigure);
    }
  }

  /**
   * End the program (end of its input) and wait for it to exit; kill it after a minute. Throws
   * when it did not exit cleanly.
   *
   * @example
   * ```ts
   * await c.close();
   * ```
   */
  async close(): Promise<void> {
    this.#child.stdin.end();
    // A program that is finishing a figure exits once done; one that hangs is killed.
    const timer = setTimeout(() => this.#child.kill(), 60_000);
    await this.#closed;
    clearTimeout(timer);
    if (this.#exitCode !== 0) {
      const why = this.#stderr.trim();
      throw new Error(`C program ${this.#name} ended with code ${this.#exitCode}${why ? `: ${why}` : ""}`);
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #next(): Promise<string> {
    while (this.#lines.length === 0) {
      if (this.#exited) {
        const why = this.#stderr.trim();
        throw new Error(`C program ${this.#name} exited (code ${this.#exitCode})${why ? `: ${why}` : ""}`);
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.#lines.shift() as string;
  }
}

/**
 * A one-line progress bar on stderr, redrawn in place; drawn only when stderr is a terminal so
 * logs and pipes stay clean.
 *
 * @module
 */
import type { CliIO } from "./io.js";

const WIDTH = 30;
/** Redraw at most this often, so a fast loop does not flood the terminal. */
const MIN_INTERVAL_MS = 100;

/**
 * Progress of `total` units of work, shown as `label [#####-----]  42%`.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(io, "xdp_work", 1_000_000);
 * bar.update(500_000);
 * bar.done();
 * ```
 */
export class ProgressBar {
  readonly #io: CliIO;
  readonly #label: string;
  readonly #total: number;
  #last = 0;
  #drawn = false;

  constructor(io: CliIO, label: string, total: number) {
    this.#io = io;
    this.#label = label;
    this.#total = total;
  }

  /** Show that `done` units are finished. */
  update(done: number): void {
    if (!this.#io.stderrIsTTY) return;
    const now = Date.now();
    if (this.#drawn && now - this.#last < MIN_INTERVAL_MS && done < this.#total) return;
    this.#last = now;
    this.#drawn = true;
    const fraction = this.#total > 0 ? Math.min(1, done / this.#total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    this.#io.stderr(`\r${this.#label} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${percent}`);
  }

  /** Erase the bar, leaving the line empty for what follows. */
  done(): void {
    if (!this.#drawn) return;
    this.#io.stderr("\r\x1b[2K");
    this.#drawn = false;
  }
}

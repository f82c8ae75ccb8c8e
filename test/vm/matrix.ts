/**
 * The kernels the VM suite boots: one Debian suite each, resolved to the newest kernel package
 * that suite's `linux-image-amd64` meta package points at.
 *
 * @module
 */

/**
 * One row of the kernel matrix.
 *
 * @example
 * const k: KernelChoice = { label: "6.1", suite: "bookworm" };
 */
export interface KernelChoice {
  /** Short name used by `--kernel` and in the result table ("6.1"). */
  readonly label: string;
  /** Debian suite the kernel comes from. */
  readonly suite: string;
}

/**
 * Bullseye 5.10, bookworm 6.1, trixie 6.12 and whatever sid carries today.
 *
 * @example
 * MATRIX.map((k) => k.label); // ["5.10", "6.1", "6.12", "sid"]
 */
export const MATRIX: readonly KernelChoice[] = [
  { label: "5.10", suite: "bullseye" },
  { label: "6.1", suite: "bookworm" },
  { label: "6.12", suite: "trixie" },
  { label: "sid", suite: "sid" },
];

/**
 * The matrix rows `wanted` names, by label, suite, or the version in the package names `packages`
 * resolves a row to ("7.2" finds sid today); all rows when `wanted` is empty.
 *
 * @example
 * selectKernels(["6.1"]); // [{ label: "6.1", suite: "bookworm" }]
 */
export function selectKernels(wanted: readonly string[], packages?: (k: KernelChoice) => string[]): KernelChoice[] {
  if (wanted.length === 0) return [...MATRIX];
  const picked = wanted.map((w) => {
    const hit =
      MATRIX.find((k) => k.label === w || k.suite === w) ??
      (packages && MATRIX.find((k) => packages(k).some((p) => p.includes(`-${w}.`) || p.includes(`-${w}-`))));
    if (!hit) {
      throw new Error(`unknown kernel "${w}"; choose from ${MATRIX.map((k) => `${k.label} (${k.suite})`).join(", ")}`);
    }
    return hit;
  });
  return MATRIX.filter((k) => picked.includes(k));
}

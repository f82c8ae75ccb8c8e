/**
 * Plain-text tables for the human-readable output of the commands.
 *
 * @module
 */

/**
 * Lay `rows` out under `header` in left-aligned columns separated by two spaces, each line
 * indented by two spaces and without trailing blanks.
 *
 * @example
 * ```ts
 * table(["NAME", "TYPE"], [["counts", "Hash"]]);
 * // "  NAME    TYPE\n  counts  Hash\n"
 * ```
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")}`.trimEnd() + "\n";
  return line(header) + rows.map(line).join("");
}

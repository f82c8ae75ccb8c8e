/**
 * Warms vitest's file-system module cache on the host: under TCG the guest spends about a third of
 * its vitest time transforming TypeScript, work the host does in seconds. The cache lives in the
 * run's scratch directory, which the guest sees at the same path.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * The vitest flags that make a run read (and fill) the module cache at `dir`.
 *
 * @example
 * ["run", ...moduleCacheFlags("/tmp/ebpf-vm-x/vitest-modules")];
 */
export function moduleCacheFlags(dir: string): string[] {
  return ["--experimental.fsModuleCache", `--experimental.fsModuleCachePath=${dir}`];
}

/**
 * Fills a fresh module cache at `dir` by collecting (not running) `files` with `vitest list`.
 * Returns false when that failed; the guests then simply transform for themselves.
 *
 * @example
 * warmModuleCache("/work/main", ["test/integration/map-ops.test.ts"], "/tmp/ebpf-vm-x/vitest-modules");
 */
export function warmModuleCache(projectDir: string, files: readonly string[], dir: string): boolean {
  rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, ["node_modules/vitest/vitest.mjs", "list", ...files, ...moduleCacheFlags(dir)], {
      cwd: projectDir,
      env: { ...process.env, CI: "true" },
      stdio: "ignore",
      timeout: 300_000,
    });
    return true;
  } catch {
    return false;
  }
}

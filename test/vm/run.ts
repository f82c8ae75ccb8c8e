/**
 * `npm run test:vm`: runs the integration tests inside qemu guests, one per Debian kernel of the
 * matrix (bullseye 5.10, bookworm 6.1, trixie 6.12, sid), prints passed / failed / skipped per
 * kernel and exits non-zero when any kernel fails. See test/vm/README.md.
 *
 * @module
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chooseAccel, hostTscKhz } from "./accel.js";
import { PrivateApt } from "./apt.js";
import { fetchKernel, refreshLists, resolvePackages, type UnpackedKernel } from "./fetch-kernel.js";
import { ensureHostTools } from "./host-tools.js";
import { warmModuleCache } from "./module-cache.js";
import { selectKernels, type KernelChoice } from "./matrix.js";
import { killGuests } from "./qemu.js";
import { formatTable, summaryOf, type Row } from "./report.js";
import { runKernel, type KernelOutcome, type RunSettings } from "./run-kernel.js";

const USAGE = `usage: tsx test/vm/run.ts [options] [test-file filter ...]
  --kernel <k>        run only this kernel (5.10, 6.1, 6.12, sid, a suite, or a version such as 7.2); repeatable
  --list              print the kernel matrix with the packages it resolves to, and exit
  --keep              keep the scratch directory (logs, reports, initramfs)
  --timeout <s>       hard timeout per boot in seconds (env EBPF_VM_TIMEOUT, default 1800)
  --boot-timeout <s>  watchdog: seconds until the command must start (env EBPF_VM_BOOT_TIMEOUT, default 120)
  --jobs <n>          kernels booted side by side (env EBPF_VM_JOBS, default 1)
  --cpus <n>          vCPUs per guest (default 2)
  --mem <MiB>         memory per guest (default 2048)
  --refresh           refresh the package lists even when recent
  --command <sh>      run this shell command in each guest (project dir, CI=true) instead of the tests
  --summary <file>    also write the results as JSON (kernels, passed/failed/skipped, ok) for CI
env: EBPF_VM_CACHE (default ~/.cache/ebpf-vm), EBPF_VM_ACCEL=kvm|tcg to override detection`;

const PROJECT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

function seconds(flag: string | undefined, env: string | undefined, dflt: number): number {
  const v = Number(flag ?? env ?? dflt);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`bad number of seconds: ${flag ?? env}`);
  return v;
}

/** `test/integration/**\/*.test.ts`, kept when a filter is a substring of the path (all if none). */
function integrationFiles(filters: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".test.ts")) found.push(relative(PROJECT, p));
    }
  };
  walk(join(PROJECT, "test", "integration"));
  const kept = found.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  return kept.sort();
}

/** A writer that prefixes each line with the kernel's label, for kernels running side by side. */
function prefixed(label: string): (chunk: Buffer | string) => void {
  let partial = "";
  return (chunk) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const l of lines) process.stdout.write(`[${label}] ${l}\n`);
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kernel: { type: "string", multiple: true },
      list: { type: "boolean" },
      keep: { type: "boolean" },
      timeout: { type: "string" },
      "boot-timeout": { type: "string" },
      jobs: { type: "string" },
      cpus: { type: "string" },
      mem: { type: "string" },
      refresh: { type: "boolean" },
      command: { type: "string" },
      summary: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const total = performance.now();
  const cacheDir = process.env.EBPF_VM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "ebpf-vm");
  const apt = new PrivateApt(join(cacheDir, "apt"));
  const listsStart = performance.now();
  if (refreshLists(apt, values.refresh === true)) {
    console.log(`[vm] package lists refreshed in ${((performance.now() - listsStart) / 1000).toFixed(1)}s`);
  }
  const choices = selectKernels(values.kernel ?? [], (k) => resolvePackages(apt, k));
  if (values.list) {
    for (const k of choices) console.log(`${k.label.padEnd(5)} ${k.suite.padEnd(9)} ${resolvePackages(apt, k).join(" ")}`);
    return 0;
  }
  const testFiles = values.command === undefined ? integrationFiles(positionals) : [];
  if (testFiles.length === 0 && values.command === undefined) throw new Error(`no test file under test/integration matches ${positionals.join(" ")}`);
  const installed = ensureHostTools();
  if (installed.length > 0) console.log(`[vm] installed ${installed.join(", ")}`);
  const { accel, why } = chooseAccel();
  const tscKhz = hostTscKhz();
  console.log(`[vm] accel ${accel} (${why}); host TSC ${tscKhz ?? "unknown"} kHz; cache ${cacheDir}`);

  const kernels: { choice: KernelChoice; kernel: UnpackedKernel }[] = [];
  for (const choice of choices) {
    const kernel = fetchKernel(apt, cacheDir, choice);
    console.log(
      `[vm] ${choice.label}: ${kernel.release} ${kernel.cached ? "cached" : "downloaded and unpacked"} in ${kernel.fetchSeconds.toFixed(1)}s`,
    );
    kernels.push({ choice, kernel });
  }

  const jobs = Math.max(1, Number(values.jobs ?? process.env.EBPF_VM_JOBS ?? 1));
  const scratchDir = mkdtempSync(join(tmpdir(), "ebpf-vm-"));
  // Per run, in the scratch dir: runs side by side must not rewrite each other's cache.
  const warmStart = performance.now();
  const cachePath = join(scratchDir, "vitest-modules");
  const moduleCache = values.command === undefined && warmModuleCache(PROJECT, testFiles, cachePath) ? cachePath : undefined;
  if (values.command === undefined) {
    console.log(
      `[vm] vitest module cache ${moduleCache ? "warmed" : "could not be warmed"} in ${((performance.now() - warmStart) / 1000).toFixed(1)}s`,
    );
  }
  const base: Omit<RunSettings, "write"> = {
    projectDir: PROJECT,
    testFiles,
    command: values.command,
    moduleCache,
    scratchDir,
    accel,
    tscKhz,
    cpus: Number(values.cpus ?? 2),
    memMiB: Number(values.mem ?? 2048),
    bootTimeoutMs: seconds(values["boot-timeout"], process.env.EBPF_VM_BOOT_TIMEOUT, 120) * 1000,
    timeoutMs: seconds(values.timeout, process.env.EBPF_VM_TIMEOUT, 1800) * 1000,
  };
  const outcomes: KernelOutcome[] = [];
  const queue = [...kernels];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { choice, kernel } = next;
      const write = jobs > 1 ? prefixed(choice.label) : (c: Buffer | string) => void process.stdout.write(c);
      console.log(`\n[vm] ===== ${choice.label} (${choice.suite}, ${kernel.release}) =====`);
      const o = await runKernel(choice.label, kernel, { ...base, write });
      console.log(
        `[vm] ${choice.label}: ${o.row.ok ? "ok" : "FAIL"}, command started ${o.boot.bootSeconds === undefined ? "never" : `${o.boot.bootSeconds.toFixed(1)}s after qemu`}, ` +
          `${o.row.seconds.toFixed(1)}s in all, ${o.attempts} boot(s)${o.retried ? ` (first: ${o.retried})` : ""}${o.boot.problem ? `; ${o.boot.problem}` : ""}`,
      );
      outcomes.push(o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, kernels.length) }, worker));
  outcomes.sort((a, b) => choices.findIndex((c) => c.label === a.row.kernel) - choices.findIndex((c) => c.label === b.row.kernel));

  for (const o of outcomes.filter((x) => !x.row.ok)) {
    const tail = o.boot.consoleLog.split("\n").slice(-80).join("\n");
    console.log(`\n[vm] ${o.row.kernel}: ${o.boot.problem ?? `exit status ${o.boot.exitCode}`}; kernel console (last 80 lines):\n${tail}`);
  }
  const rows: Row[] = outcomes.map((o) => o.row);
  console.log(`\n${formatTable(rows)}`);
  if (values.summary !== undefined) writeFileSync(values.summary, `${JSON.stringify(summaryOf(rows), null, 2)}\n`);
  console.log(`[vm] ${testFiles.length} test file(s), ${rows.length} kernel(s), ${((performance.now() - total) / 1000).toFixed(1)}s in all`);
  if (values.keep || rows.some((r) => !r.ok)) console.log(`[vm] scratch directory kept: ${scratchDir}`);
  else rmSync(scratchDir, { recursive: true, force: true });
  return rows.every((r) => r.ok) ? 0 : 1;
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => {
    killGuests();
    process.exit(code);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[vm] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);

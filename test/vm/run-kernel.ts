/**
 * Runs the integration tests on one unpacked kernel: builds its boot image and initramfs, boots
 * it (retrying once a guest that never reached the command), and reads back vitest's report.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Accel } from "./accel.js";
import type { UnpackedKernel } from "./fetch-kernel.js";
import type { GuestCommand } from "./guest-init.js";
import { buildInitramfs } from "./initramfs.js";
import { moduleCacheFlags } from "./module-cache.js";
import { guestModules, wantedModules } from "./modules.js";
import { boot, type BootResult } from "./qemu.js";
import { readCounts, type Row } from "./report.js";
import { extractVmlinux } from "./vmlinux.js";

/**
 * Settings shared by every kernel of a run.
 *
 * @example
 * await runKernel("6.1", kernel, { ...settings, write: (c) => process.stdout.write(c) });
 */
export interface RunSettings {
  readonly projectDir: string;
  /** Test files (relative to the project) handed to vitest. */
  readonly testFiles: readonly string[];
  /** A vitest module cache the host has warmed, or undefined. */
  readonly moduleCache: string | undefined;
  readonly scratchDir: string;
  readonly accel: Accel;
  readonly tscKhz: number | undefined;
  readonly cpus: number;
  readonly memMiB: number;
  readonly bootTimeoutMs: number;
  readonly timeoutMs: number;
  /** A shell command to run in the guest instead of vitest (`--command`); its exit status decides. */
  readonly command?: string | undefined;
  /** Where the guest's output goes (a prefixing writer when kernels run side by side). */
  readonly write: (chunk: Buffer | string) => void;
}

/** The command the guest runs: vitest once, one worker, no isolation, JSON report to `report`. */
function vitestCommand(s: RunSettings, kernel: UnpackedKernel, report: string): GuestCommand {
  const nodeDir = dirname(process.execPath);
  return {
    cwd: s.projectDir,
    argv: s.command !== undefined ? ["/bin/sh", "-c", s.command] : [
      process.execPath,
      "node_modules/vitest/vitest.mjs",
      "run",
      ...s.testFiles,
      "--pool=forks",
      "--maxWorkers=1",
      "--no-isolate",
      "--no-file-parallelism",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
      ...(s.moduleCache === undefined ? [] : moduleCacheFlags(s.moduleCache)),
    ],
    env: {
      // A clean PATH: shims such as pyenv's take seconds to start under TCG.
      PATH: `${nodeDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: "/root",
      CI: "true",
      EBPF_VM_KERNEL: kernel.release,
      ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }),
    },
    scratchDir: s.scratchDir,
    // What a kernel installed on a Debian system has: the library reads /boot/config-<release>.
    copies: kernel.config === undefined ? [] : [{ from: kernel.config, to: `/boot/config-${kernel.release}` }],
    binds: [{ from: kernel.modulesDir, to: `/lib/modules/${kernel.release}` }],
  };
}

/**
 * Kernel parameters the tests need: `lsm=<CONFIG_LSM>,bpf` where the kernel's default LSM list
 * lacks `bpf` (Debian 5.10), so BPF LSM programs take effect; nothing when it has it already.
 *
 * @example
 * lsmArgs("/boot/config-5.10.0-32-amd64"); // ["lsm=lockdown,yama,…,tomoyo,bpf"]
 */
export function lsmArgs(config: string | undefined): string[] {
  if (config === undefined) return [];
  const text = readFileSync(config, "utf8");
  if (!/^CONFIG_BPF_LSM=y$/mu.test(text)) return [];
  const list = /^CONFIG_LSM="([^"]*)"$/mu.exec(text)?.[1];
  if (list === undefined) return [];
  const lsms = list.split(",").filter((x) => x !== "");
  return lsms.includes("bpf") ? [] : [`lsm=${[...lsms, "bpf"].join(",")}`];
}

/**
 * The result of one kernel, with what is needed to explain a failure.
 *
 * @example
 * const { row, boot }: KernelOutcome = await runKernel("6.1", kernel, settings);
 */
export interface KernelOutcome {
  readonly row: Row;
  readonly boot: BootResult;
  readonly attempts: number;
  /** Why the first boot was retried, when it was. */
  readonly retried: string | undefined;
  readonly logDir: string;
}

/**
 * Why a boot deserves one more try: the guest never reached the command, or its kernel oopsed
 * before the command ended. Under TCG with several vCPUs a guest kernel now and then takes an
 * `int3` Oops in code it is live-patching (jump labels, text_poke_bp), which no test controls;
 * a second Oops in the rerun fails the kernel as usual.
 *
 * @example
 * const why = retryReason(result); // "the guest kernel died mid-run (Oops: int3: 0000 [#1] …)"
 */
export function retryReason(result: BootResult): string | undefined {
  if (result.bootSeconds === undefined) return `the guest never reached the command (${result.problem})`;
  if (result.exitCode !== undefined) return undefined;
  const oops = /^\[[ \d.]+\] (Oops: .*|Kernel panic - not syncing: .*)$/mu.exec(result.consoleLog);
  return oops === null ? undefined : `the guest kernel died mid-run (${oops[1]!.trim()})`;
}

/**
 * Boots `kernel` and runs the tests in it.
 *
 * @example
 * const { row } = await runKernel("6.1", kernel, settings);
 */
export async function runKernel(label: string, kernel: UnpackedKernel, s: RunSettings): Promise<KernelOutcome> {
  const start = performance.now();
  const dir = join(s.scratchDir, label);
  const logDir = join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const vmlinux = join(kernel.root, "vmlinux");
  const pvh = extractVmlinux(kernel.vmlinuz, vmlinux);
  // microvm needs both a PVH entry point and a known TSC rate; the pc machine boots anything.
  const machine = pvh && s.tscKhz !== undefined ? "microvm" : "pc";
  const report = join(dir, "report.json");
  const initrd = join(dir, "initrd");
  writeFileSync(
    initrd,
    buildInitramfs(vitestCommand(s, kernel, report), guestModules(kernel.modulesDir, wantedModules(machine))),
  );
  s.write(`[vm ${label}] ${machine}, ${pvh ? "PVH vmlinux" : "bzImage"}; boot image and initramfs ready in ${((performance.now() - start) / 1000).toFixed(1)}s\n`);
  let attempts = 0;
  let result: BootResult;
  let retried: string | undefined;
  do {
    attempts++;
    result = await boot({
      kernel: pvh ? vmlinux : kernel.vmlinuz,
      initrd,
      machine,
      accel: s.accel,
      tscKhz: s.tscKhz,
      cpus: s.cpus,
      memMiB: s.memMiB,
      kernelArgs: lsmArgs(kernel.config),
      scratchDir: s.scratchDir,
      logDir,
      bootTimeoutMs: s.bootTimeoutMs,
      timeoutMs: s.timeoutMs,
      onStdout: s.write,
      onStderr: s.write,
    });
    if (attempts === 1) {
      retried = retryReason(result);
      if (retried !== undefined) {
        s.write(`\n[vm ${label}] ${retried}; console in ${join(logDir, "console.first-attempt.log")}; retrying once\n`);
        writeFileSync(join(logDir, "console.first-attempt.log"), result.consoleLog);
      }
    }
  } while (retried !== undefined && attempts < 2);
  const counts = readCounts(report);
  const ok = result.exitCode === 0 && (s.command !== undefined || (counts !== undefined && counts.success && counts.failed === 0));
  return {
    row: {
      kernel: label,
      release: kernel.release,
      counts,
      bootSeconds: result.bootSeconds,
      seconds: (performance.now() - start) / 1000,
      ok,
    },
    boot: result,
    attempts,
    retried,
    logDir,
  };
}

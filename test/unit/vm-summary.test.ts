// The VM runner's pieces CI depends on: the lsm= parameter that turns the BPF LSM on, the
// summary whose counts .ci/summarize.mjs adds to the host's, and when a boot is retried.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { summaryOf, type Row } from "../vm/report.js";
import { lsmArgs, retryReason } from "../vm/run-kernel.js";

const dir = mkdtempSync(join(tmpdir(), "ebpf-vm-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("lsmArgs", () => {
  it("appends bpf to a default list without it (Debian 5.10)", () => {
    const path = config("c510", 'CONFIG_BPF_LSM=y\nCONFIG_LSM="lockdown,yama,apparmor"\n');
    expect(lsmArgs(path)).toEqual(["lsm=lockdown,yama,apparmor,bpf"]);
  });

  it("adds nothing where bpf is already listed, where CONFIG_BPF_LSM is off, or without a config", () => {
    expect(lsmArgs(config("c61", 'CONFIG_BPF_LSM=y\nCONFIG_LSM="landlock,lockdown,bpf"\n'))).toEqual([]);
    expect(lsmArgs(config("off", '# CONFIG_BPF_LSM is not set\nCONFIG_LSM="yama"\n'))).toEqual([]);
    expect(lsmArgs(undefined)).toEqual([]);
  });
});

const row = (kernel: string, ok: boolean, counts?: [number, number, number]): Row => ({
  kernel,
  release: `${kernel}-amd64`,
  counts: counts && { passed: counts[0], failed: counts[1], skipped: counts[2], success: counts[1] === 0 },
  bootSeconds: 5,
  seconds: 100,
  ok,
});

describe("summaryOf and .ci/summarize.mjs", () => {
  it("adds up kernels, and a kernel without a report counts as a failure", () => {
    const s = summaryOf([row("6.1", true, [10, 0, 2]), row("sid", false)]);
    expect(s).toMatchObject({ passed: 10, failed: 1, skipped: 2, ok: false });
    expect(s.kernels[1]).toEqual({ kernel: "sid", release: "sid-amd64", passed: 0, failed: 1, skipped: 0, ok: false });
  });

  it("prints the host's and the VM's counts in one line and fails when a kernel failed", () => {
    const host = config("host.json", JSON.stringify({ success: true, testResults: [{ status: "passed", assertionResults: [{ status: "passed" }, { status: "skipped" }] }] }));
    const good = config("good.json", JSON.stringify(summaryOf([row("6.1", true, [10, 0, 2])])));
    const bad = config("bad.json", JSON.stringify(summaryOf([row("6.1", true, [10, 0, 2]), row("sid", false, [9, 1, 0])])));
    const run = (...args: string[]): { out: string; status: number } => {
      try {
        return { out: execFileSync("node", [".ci/summarize.mjs", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }), status: 0 };
      } catch (err) {
        const e = err as { stdout: string; status: number };
        return { out: e.stdout, status: e.status };
      }
    };
    expect(run(host, good)).toEqual({ out: "11 passed, 0 failed, 3 skipped\n", status: 0 });
    expect(run(host, bad)).toEqual({ out: "20 passed, 1 failed, 3 skipped\n", status: 1 });
    expect(run(host, join(dir, "missing.json"))).toEqual({ out: "1 passed, 1 failed, 1 skipped\n", status: 1 });
  });
});

describe("retryReason", () => {
  const boot = { bootSeconds: 2.5, exitCode: undefined, problem: "qemu ended (status 0) before the command reported a status", seconds: 170 };
  // The console of a 6.12 guest under TCG that took an int3 Oops while patching a jump label.
  const oopsed = [
    "vm-init: command starting at 1.83s",
    "[  168.311261] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI",
    "[  168.312334] RIP: 0010:syscall_trace_enter+0xd1/0x1a0",
    "[  168.315126] Kernel panic - not syncing: Fatal exception in interrupt",
  ].join("\r\n");

  it("retries a guest that never reached the command", () => {
    expect(retryReason({ ...boot, bootSeconds: undefined, problem: "boot watchdog", consoleLog: "" })).toBe(
      "the guest never reached the command (boot watchdog)",
    );
  });
  it("retries a guest whose kernel oopsed before the command ended, naming the Oops", () => {
    expect(retryReason({ ...boot, consoleLog: oopsed })).toBe("the guest kernel died mid-run (Oops: int3: 0000 [#1] PREEMPT SMP NOPTI)");
  });
  it("does not retry a command that reported its status, nor a guest that died without an Oops", () => {
    expect(retryReason({ ...boot, exitCode: 1, consoleLog: oopsed })).toBeUndefined();
    expect(retryReason({ ...boot, consoleLog: "vm-init: command starting at 1.83s" })).toBeUndefined();
  });
});

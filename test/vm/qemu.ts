/**
 * Starts one qemu guest, streams the command's output back from virtio-serial ports, and enforces
 * the boot watchdog and the hard per-boot timeout.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Accel } from "./accel.js";
import { PORTS, TAGS } from "./guest-init.js";

/**
 * Everything one boot needs.
 *
 * @example
 * await boot({ kernel, initrd, machine: "microvm", accel: "tcg", tscKhz, cpus: 2, memMiB: 2048, ...rest });
 */
export interface BootConfig {
  /** ELF vmlinux with a PVH note, or a bzImage (then `machine` must be "pc"). */
  readonly kernel: string;
  readonly initrd: string;
  readonly machine: "microvm" | "pc";
  readonly accel: Accel;
  /** Host TSC rate, passed to microvm guests, which have no other reliable clock to calibrate. */
  readonly tscKhz: number | undefined;
  readonly cpus: number;
  readonly memMiB: number;
  /** Host directory shared writable at the same path; also holds this boot's logs. */
  readonly scratchDir: string;
  /** Directory for console.log, stdout, stderr, status and qemu.log. */
  readonly logDir: string;
  /** More kernel parameters (e.g. `lsm=…,bpf`). */
  readonly kernelArgs?: readonly string[];
  /** Kill the guest when the command has not started after this long. */
  readonly bootTimeoutMs: number;
  /** Kill the guest when it is still running after this long. */
  readonly timeoutMs: number;
  /** Receives the command's output as it arrives. */
  readonly onStdout: (chunk: Buffer) => void;
  readonly onStderr: (chunk: Buffer) => void;
}

/**
 * How a boot ended.
 *
 * @example
 * const { exitCode, consoleLog }: BootResult = await boot(cfg);
 */
export interface BootResult {
  /** Seconds from spawning qemu until the guest started the command; undefined if it never did. */
  readonly bootSeconds: number | undefined;
  /** The command's exit status; undefined when the guest died or was killed first. */
  readonly exitCode: number | undefined;
  /** Why the boot failed, when it did ("boot watchdog", "timeout", a guest init message). */
  readonly problem: string | undefined;
  readonly seconds: number;
  /** The kernel console log. */
  readonly consoleLog: string;
}

/** The kernel command line. */
function cmdline(cfg: BootConfig): string {
  const args = [
    "console=ttyS0",
    "rdinit=/init",
    "panic=-1",
    "oops=panic",
    "loglevel=6",
    // Self-tests of the crypto API cost about half a second under TCG.
    "cryptomgr.notests",
    "mitigations=off",
    // A triple fault resets at once, and -no-reboot turns the reset into qemu's exit; the default
    // ACPI-then-keyboard sequence sometimes leaves a microvm guest halted instead.
    "reboot=t",
  ];
  if (cfg.machine === "microvm" && cfg.tscKhz !== undefined) {
    // microvm has no HPET or PM timer: TSC calibration against the PIT can hang under TCG.
    args.push(`tsc_early_khz=${cfg.tscKhz}`, "tsc=reliable");
  }
  args.push(...(cfg.kernelArgs ?? []));
  return args.join(" ");
}

/**
 * The qemu argv for `cfg`.
 *
 * @example
 * spawn("qemu-system-x86_64", qemuArgs(cfg));
 */
export function qemuArgs(cfg: BootConfig): string[] {
  const bus = cfg.machine === "microvm" ? "device" : "pci";
  const machine =
    cfg.machine === "microvm" ? "microvm,x-option-roms=off,isa-serial=on,rtc=on,pit=on,pic=on" : "pc";
  const accel = cfg.accel === "tcg" ? "tcg,thread=multi,tb-size=512" : "kvm";
  return [
    ...["-M", machine, "-accel", accel, "-cpu", cfg.accel === "kvm" ? "host" : "max"],
    ...["-smp", String(cfg.cpus), "-m", String(cfg.memMiB)],
    ...["-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"],
    ...["-kernel", cfg.kernel, "-initrd", cfg.initrd, "-append", cmdline(cfg)],
    ...["-chardev", `file,id=con,path=${join(cfg.logDir, "console.log")}`, "-serial", "chardev:con"],
    ...["-fsdev", `local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap`],
    ...["-device", `virtio-9p-${bus},fsdev=hostroot,mount_tag=${TAGS.root}`],
    ...["-fsdev", `local,id=scratch,path=${cfg.scratchDir},security_model=none,multidevs=remap`],
    ...["-device", `virtio-9p-${bus},fsdev=scratch,mount_tag=${TAGS.scratch}`],
    ...["-device", `virtio-serial-${bus},max_ports=4`],
    ...Object.values(PORTS).flatMap((name) => [
      "-chardev",
      `file,id=${name},path=${join(cfg.logDir, name)}`,
      "-device",
      `virtserialport,chardev=${name},name=${name}`,
    ]),
  ];
}

/** How long qemu may take to end after the guest reported the command's exit status. */
const EXIT_GRACE_MS = 15_000;

/** Reads what was appended to a file since the last call. */
class Tail {
  #offset = 0;
  constructor(readonly path: string) {}

  read(): Buffer {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(65536);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.#offset);
        if (n === 0) break;
        this.#offset += n;
        chunks.push(Buffer.from(buf.subarray(0, n)));
      }
      return Buffer.concat(chunks);
    } finally {
      closeSync(fd);
    }
  }
}

/** qemu processes still running, so an interrupted run can end them. */
const running = new Set<ChildProcess>();

/**
 * Kills every guest still running; for signal handlers.
 *
 * @example
 * process.on("SIGTERM", () => { killGuests(); process.exit(143); });
 */
export function killGuests(): void {
  for (const child of running) child.kill("SIGKILL");
}

/**
 * Boots `cfg` once and waits for the guest to end.
 *
 * @example
 * const r = await boot(cfg);
 * if (r.exitCode !== 0) console.log(r.consoleLog);
 */
export function boot(cfg: BootConfig): Promise<BootResult> {
  for (const f of ["console.log", ...Object.values(PORTS)]) writeFileSync(join(cfg.logDir, f), "");
  const start = performance.now();
  const qemuLog = openSync(join(cfg.logDir, "qemu.log"), "w");
  const child = spawn("qemu-system-x86_64", qemuArgs(cfg), { stdio: ["ignore", qemuLog, qemuLog] });
  closeSync(qemuLog);
  running.add(child);
  const out = new Tail(join(cfg.logDir, PORTS.stdout));
  const err = new Tail(join(cfg.logDir, PORTS.stderr));
  const status = new Tail(join(cfg.logDir, PORTS.status));
  let statusText = "";
  let bootSeconds: number | undefined;
  let problem: string | undefined;
  let exitedAt: number | undefined;
  const poll = (): void => {
    const o = out.read();
    if (o.length > 0) cfg.onStdout(o);
    const e = err.read();
    if (e.length > 0) cfg.onStderr(e);
    statusText += status.read().toString();
    if (bootSeconds === undefined && /^started /m.test(statusText)) bootSeconds = (performance.now() - start) / 1000;
  };
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      poll();
      const elapsed = performance.now() - start;
      if (exitedAt === undefined && /^exit /m.test(statusText)) exitedAt = elapsed;
      if (exitedAt !== undefined && elapsed - exitedAt > EXIT_GRACE_MS) {
        // The command's status is in: a guest that fails to power off changes nothing.
        child.kill("SIGKILL");
      } else if (bootSeconds === undefined && elapsed > cfg.bootTimeoutMs) {
        problem ??= `boot watchdog: the command had not started after ${cfg.bootTimeoutMs / 1000}s`;
        child.kill("SIGKILL");
      } else if (elapsed > cfg.timeoutMs) {
        problem ??= `timeout: the guest ran longer than ${cfg.timeoutMs / 1000}s`;
        child.kill("SIGKILL");
      }
    }, 250);
    child.on("exit", (code, signal) => {
      running.delete(child);
      clearInterval(timer);
      poll();
      const exit = /^exit (\d+)(.*)$/m.exec(statusText);
      const exitCode = exit ? Number(exit[1]) : undefined;
      if (exit?.[2]?.trim()) problem ??= `guest init: ${exit[2].trim()}`;
      if (exitCode === undefined) problem ??= `qemu ended (${signal ?? `status ${code}`}) before the command reported a status`;
      resolve({
        bootSeconds,
        exitCode,
        problem,
        seconds: (performance.now() - start) / 1000,
        consoleLog: readFileSync(join(cfg.logDir, "console.log"), "utf8"),
      });
    });
  });
}

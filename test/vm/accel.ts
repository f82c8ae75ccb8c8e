/**
 * Host facts that shape the qemu command line: whether KVM can run a stock kernel, and the TSC
 * rate a microvm guest needs to be told.
 *
 * @module
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

/**
 * How qemu runs the guest's CPU.
 *
 * @example
 * const accel: Accel = chooseAccel().accel;
 */
export type Accel = "kvm" | "tcg";

/**
 * KVM when `/dev/kvm` is usable by a stock kernel, TCG otherwise. A `/dev/kvm` backed by the
 * `kvm_pvm` module runs only PVM-enabled guest kernels, so stock Debian kernels get TCG without a
 * KVM attempt. `EBPF_VM_ACCEL=kvm|tcg` overrides.
 *
 * @example
 * chooseAccel(); // { accel: "tcg", why: "/dev/kvm is kvm_pvm (PVM guests only)" }
 */
export function chooseAccel(env = process.env): { accel: Accel; why: string } {
  const forced = env.EBPF_VM_ACCEL;
  if (forced === "kvm" || forced === "tcg") return { accel: forced, why: "EBPF_VM_ACCEL" };
  if (existsSync("/sys/module/kvm_pvm")) return { accel: "tcg", why: "/dev/kvm is kvm_pvm (PVM guests only)" };
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    return { accel: "tcg", why: "no usable /dev/kvm" };
  }
  if (!existsSync("/sys/module/kvm_intel") && !existsSync("/sys/module/kvm_amd")) {
    return { accel: "tcg", why: "/dev/kvm is neither kvm_intel nor kvm_amd" };
  }
  return { accel: "kvm", why: "/dev/kvm" };
}

/**
 * The host's TSC rate in kHz, or undefined when unknown: from the kernel log's calibration lines,
 * else from `/proc/cpuinfo` when the TSC is constant and its frequency known.
 *
 * @example
 * hostTscKhz(); // 2596122
 */
export function hostTscKhz(): number | undefined {
  try {
    const log = execFileSync("dmesg", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m =
      /tsc: Refined TSC clocksource calibration: (\d+)\.(\d{3}) MHz/.exec(log) ??
      /tsc: Detected (\d+)\.(\d{3}) MHz processor/.exec(log);
    if (m) return Number(m[1]) * 1000 + Number(m[2]);
  } catch {
    // dmesg may be restricted; /proc/cpuinfo is the fallback.
  }
  const info = readFileSync("/proc/cpuinfo", "utf8");
  const flags = /^flags\s*:(.*)$/m.exec(info)?.[1] ?? "";
  const mhz = /^cpu MHz\s*:\s*(\d+)\.(\d{3})/m.exec(info);
  if (mhz && /\bconstant_tsc\b/.test(flags) && /\btsc_known_freq\b/.test(flags)) {
    return Number(mhz[1]) * 1000 + Number(mhz[2]);
  }
  return undefined;
}

/**
 * Makes sure the host has what the runner calls: qemu, a static busybox for the initramfs, and
 * the decompressors of Debian's kernel images and modules. Missing ones are installed with apt.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { BUSYBOX } from "./initramfs.js";

/** Whether an executable named `cmd` is on PATH. */
function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d !== "" && existsSync(`${d}/${cmd}`));
}

/** Whether `path` is an ELF executable with no program interpreter (statically linked). */
function isStatic(path: string): boolean {
  if (!existsSync(path)) return false;
  const elf = readFileSync(path);
  if (elf.readUInt32BE(0) !== 0x7f454c46) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  for (let i = 0; i < elf.readUInt16LE(0x38); i++) {
    if (elf.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  }
  return true;
}

/**
 * Installs whichever of qemu-system-x86, busybox-static, zstd and xz-utils is missing.
 *
 * @example
 * ensureHostTools(); // [] when everything was there
 */
export function ensureHostTools(): string[] {
  const missing = [
    onPath("qemu-system-x86_64") ? undefined : "qemu-system-x86",
    isStatic(BUSYBOX) ? undefined : "busybox-static",
    onPath("zstd") ? undefined : "zstd",
    onPath("xz") ? undefined : "xz-utils",
  ].filter((p): p is string => p !== undefined);
  if (missing.length === 0) return missing;
  const install = (): void => {
    execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  };
  try {
    install();
  } catch {
    // A fresh CI machine may have no package lists yet.
    execFileSync("apt-get", ["update", "-q"], { stdio: ["ignore", "inherit", "inherit"] });
    install();
  }
  return missing;
}

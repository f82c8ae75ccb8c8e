/**
 * Builds the guest's initramfs: static busybox, the generated `/init` and the modules it loads.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { cpioNewc, type CpioEntry } from "./cpio.js";
import { guestInit, type GuestCommand } from "./guest-init.js";
import type { GuestModule } from "./modules.js";

/**
 * Where `busybox-static` installs its binary (a static one is needed: the initramfs has no libc).
 *
 * @example
 * readFileSync(BUSYBOX);
 */
export const BUSYBOX = "/bin/busybox";

/**
 * The initramfs archive for one boot.
 *
 * @example
 * writeFileSync("initrd", buildInitramfs(cmd, guestModules(dir, wantedModules("microvm"))));
 */
export function buildInitramfs(cmd: GuestCommand, modules: readonly GuestModule[]): Buffer {
  const entries: CpioEntry[] = [
    ...["bin", "dev", "proc", "sys", "modules"].map((path): CpioEntry => ({ kind: "dir", path })),
    // The kernel opens /dev/console for init's stdio before anything is mounted.
    { kind: "chardev", path: "dev/console", major: 5, minor: 1 },
    { kind: "file", path: "bin/busybox", data: readFileSync(BUSYBOX), mode: 0o755 },
    { kind: "file", path: "init", data: Buffer.from(guestInit(cmd)), mode: 0o755 },
    ...modules.map((m, i): CpioEntry => ({
      kind: "file",
      path: `modules/${String(i).padStart(2, "0")}-${m.name}.ko`,
      data: m.data,
    })),
  ];
  return cpioNewc(entries);
}

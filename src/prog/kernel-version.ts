/**
 * The running kernel's `LINUX_VERSION_CODE`, which kprobe programs had to state before 5.0.
 *
 * @module
 */
import { release } from "node:os";

let cached: number | undefined;

/**
 * `LINUX_VERSION_CODE` of the running kernel from `uname -r` (`KERNEL_VERSION(a, b, c)`, the
 * patch level capped at 255 as the kernel does), 0 when the release string cannot be parsed.
 *
 * @example
 * ```ts
 * linuxVersionCode(); // 397868 on 6.18.44
 * ```
 */
export function linuxVersionCode(): number {
  if (cached !== undefined) return cached;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/u.exec(release());
  cached = m ? Number(m[1]) * 65536 + Number(m[2]) * 256 + Math.min(Number(m[3] ?? 0), 255) : 0;
  return cached;
}

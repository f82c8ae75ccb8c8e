/**
 * The running kernel's build configuration, for `.kconfig` externs (`CONFIG_*` values).
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { gunzipSync } from "node:zlib";

/** A `CONFIG_*` value: tristates as `"y"`/`"m"`/`"n"`, strings unquoted, numbers as bigint. */
export type KconfigValue = "y" | "m" | "n" | string | bigint;

let cached: ReadonlyMap<string, KconfigValue> | undefined;

/**
 * The kernel configuration from `/proc/config.gz` or `/boot/config-$(uname -r)`, parsed once.
 * Returns an empty map when neither exists (libbpf then treats every option as unset).
 *
 * @example
 * ```ts
 * import { kernelConfig } from "./kconfig.js";
 * console.log(kernelConfig().get("CONFIG_BPF_SYSCALL")); // "y"
 * ```
 */
export function kernelConfig(): ReadonlyMap<string, KconfigValue> {
  if (cached) return cached;
  let text = "";
  if (existsSync("/proc/config.gz")) {
    text = gunzipSync(readFileSync("/proc/config.gz")).toString("utf8");
  } else if (existsSync(`/boot/config-${release()}`)) {
    text = readFileSync(`/boot/config-${release()}`, "utf8");
  }
  cached = parseKconfig(text);
  return cached;
}

/**
 * Parse Kconfig text (`CONFIG_FOO=y`, `# CONFIG_BAR is not set`, `CONFIG_S="str"`, numbers).
 *
 * @example
 * ```ts
 * import { parseKconfig } from "./kconfig.js";
 * parseKconfig('CONFIG_A=y\nCONFIG_HZ=250\nCONFIG_S="x"').get("CONFIG_HZ"); // 250n
 * ```
 */
export function parseKconfig(text: string): Map<string, KconfigValue> {
  const out = new Map<string, KconfigValue>();
  for (const line of text.split("\n")) {
    const notSet = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (notSet) {
      out.set(notSet[1]!, "n");
      continue;
    }
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    if (raw === "y" || raw === "m" || raw === "n") out.set(m[1]!, raw);
    else if (raw.startsWith('"')) out.set(m[1]!, raw.slice(1, -1).replace(/\\(.)/g, "$1"));
    else if (/^-?(0x[0-9a-fA-F]+|\d+)$/.test(raw)) out.set(m[1]!, raw.startsWith("-") ? -BigInt(raw.slice(1)) : BigInt(raw));
    else out.set(m[1]!, raw);
  }
  return out;
}

/**
 * A writer for the `newc` cpio format the kernel unpacks as an initramfs (the host has no cpio).
 *
 * @module
 */

/**
 * One initramfs entry: a directory, a regular file or a character device.
 *
 * @example
 * const console: CpioEntry = { kind: "chardev", path: "dev/console", major: 5, minor: 1 };
 */
export type CpioEntry =
  | { readonly kind: "dir"; readonly path: string }
  | { readonly kind: "file"; readonly path: string; readonly data: Buffer; readonly mode?: number }
  | { readonly kind: "chardev"; readonly path: string; readonly major: number; readonly minor: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

function pad4(n: number): Buffer {
  return Buffer.alloc((4 - (n % 4)) % 4);
}

function record(ino: number, path: string, mode: number, data: Buffer, rdev: [number, number]): Buffer[] {
  const name = Buffer.from(`${path}\0`);
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, rdev[0], rdev[1], name.length, 0];
  const header = Buffer.from("070701" + fields.map((f) => f.toString(16).padStart(8, "0")).join(""));
  return [header, name, pad4(header.length + name.length), data, pad4(data.length)];
}

/**
 * Serialises `entries` (paths relative, parents listed before children) as a newc archive.
 *
 * @example
 * const img = cpioNewc([{ kind: "dir", path: "bin" }, { kind: "file", path: "init", data, mode: 0o755 }]);
 */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    if (e.kind === "dir") parts.push(...record(i + 1, e.path, S_IFDIR | 0o755, Buffer.alloc(0), [0, 0]));
    else if (e.kind === "file") parts.push(...record(i + 1, e.path, S_IFREG | (e.mode ?? 0o644), e.data, [0, 0]));
    else parts.push(...record(i + 1, e.path, S_IFCHR | 0o600, Buffer.alloc(0), [e.major, e.minor]));
  });
  parts.push(...record(0, "TRAILER!!!", 0, Buffer.alloc(0), [0, 0]));
  return Buffer.concat(parts);
}

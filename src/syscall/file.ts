/**
 * Whole-file reads through libc. Kernel BTF can be mmap'ed read-only on recent kernels (6.16+),
 * which costs nothing; otherwise sysfs hands out `/sys/kernel/btf/vmlinux` one page per read
 * call (about 1,400 calls for 5.5 MB); a direct `read()` costs about a microsecond each, an order
 * of magnitude less than a round through Node's fs layer.
 *
 * @module
 */
import { fstatSync } from "node:fs";
import { SyscallError } from "./error.js";
import { addressOf, externalView, lastErrno, libcClose, libcMmap, libcMunmap, libcOpen, libcRead } from "./libc.js";

const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
const EINTR = 4;

/**
 * Read a whole file. Throws a {@link SyscallError} (`ENOENT` …) when it cannot be opened or read.
 *
 * @example
 * ```ts
 * import { readWholeFile } from "./file.js";
 * const btf = readWholeFile("/sys/kernel/btf/vmlinux");
 * ```
 */
export function readWholeFile(path: string): Uint8Array {
  const fd = libcOpen(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw new SyscallError("open", lastErrno(), path);
  try {
    let buf = new Uint8Array(new ArrayBuffer(Math.max(fstatSync(fd).size, 4096) + 1));
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const bigger = new Uint8Array(new ArrayBuffer(buf.length * 2));
        bigger.set(buf);
        buf = bigger;
      }
      const n = libcRead(fd, addressOf(buf) + len, buf.length - len);
      if (n < 0) {
        const errno = lastErrno();
        if (errno === EINTR) continue;
        throw new SyscallError("read", errno, path);
      }
      if (n === 0) return buf.subarray(0, len);
      len += n;
    }
  } finally {
    libcClose(fd);
  }
}

const PROT_READ = 1;
const MAP_PRIVATE = 2;
// mmap returns MAP_FAILED ((void *)-1), which arrives as 2^64 - 1 rounded to a double.
const MAP_FAILED_MIN = 2 ** 64 - 2 ** 12;

const unmapOnCollect = new FinalizationRegistry<{ address: number; length: number; path: string }>(({ address, length, path }) => {
  libcMunmap(address, length);
  if (live.get(path)?.buffer.deref() === undefined) live.delete(path);
});

// Mappings whose bytes are still referenced, by path: the same file mapped again (a fresh
// KernelSpecCache parsing vmlinux again) shares one instead of making a 5.5 MB one more, whose
// pages each fault in again (10 µs a fault in a VM) and whose size V8 counts as external memory,
// collecting early when it adds up. Identified by device, inode, size and mtime: a module
// reloaded has a new file.
const live = new Map<string, { identity: string; buffer: WeakRef<ArrayBuffer> }>();

/**
 * Map a whole file read-only, or return undefined when the file cannot be mapped (sysfs BTF
 * before 6.16, empty files). The mapping lives as long as the returned bytes' buffer; mapping a
 * file again while it lives returns the same memory. The bytes must not be written.
 *
 * @example
 * ```ts
 * import { mapWholeFile } from "./file.js";
 * const btf = mapWholeFile("/sys/kernel/btf/vmlinux");
 * ```
 */
export function mapWholeFile(path: string): Uint8Array | undefined {
  const fd = libcOpen(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw new SyscallError("open", lastErrno(), path);
  try {
    const st = fstatSync(fd);
    const length = st.size;
    if (length === 0) return undefined;
    const identity = `${st.dev}:${st.ino}:${length}:${st.mtimeMs}`;
    const known = live.get(path);
    const shared = known?.identity === identity ? known.buffer.deref() : undefined;
    if (shared !== undefined) return new Uint8Array(shared);
    const address = libcMmap(0, length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address <= 0 || address >= MAP_FAILED_MIN) return undefined;
    const buffer = externalView(address, length);
    unmapOnCollect.register(buffer, { address, length, path });
    live.set(path, { identity, buffer: new WeakRef(buffer) });
    return new Uint8Array(buffer);
  } finally {
    libcClose(fd);
  }
}

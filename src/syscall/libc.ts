/**
 * The FFI boundary: the few libc entry points the library calls, declared once through koffi.
 * Nothing outside `src/syscall/` imports koffi.
 *
 * @module
 */
import koffi from "koffi";
import { arch } from "node:process";

const libc = koffi.load("libc.so.6");

/** Syscall numbers differ per architecture; the library supports the two Node ships most on. */
const syscallNumbers = {
  x64: { bpf: 321, perfEventOpen: 298 },
  arm64: { bpf: 280, perfEventOpen: 241 },
} as const;

function numbersForArch(): { bpf: number; perfEventOpen: number } {
  if (arch === "x64" || arch === "arm64") return syscallNumbers[arch];
  throw new Error(`ebpf: unsupported architecture ${arch} (x64 and arm64 are supported)`);
}

/** Syscall numbers of the running architecture. */
export const SYS = numbersForArch();

// Attribute pointers travel as plain integers: every buffer handed to the kernel is an
// ArrayBuffer whose backing store never moves, and passing a number skips koffi's argument
// inspection on the hot path.
/** `long syscall(long nr, long a, uintptr_t b, long c)`: the shape of `bpf(cmd, attr, size)`. */
export const syscall3 = libc.func("long syscall(long nr, long a, uintptr_t b, long c)") as (
  nr: number,
  a: number,
  b: number,
  c: number,
) => number;

/** `long syscall(long nr, uintptr_t a, long b, long c, long d, unsigned long e)`: perf_event_open. */
export const syscall5 = libc.func(
  "long syscall(long nr, uintptr_t a, long b, long c, long d, unsigned long e)",
) as (nr: number, a: number, b: number, c: number, d: number, e: number) => number;

/** `int close(int fd)`. */
export const libcClose = libc.func("int close(int fd)") as (fd: number) => number;

/** `int ioctl(int fd, unsigned long request, uintptr_t arg)`. */
export const libcIoctl = libc.func("int ioctl(int fd, unsigned long request, uintptr_t arg)") as (
  fd: number,
  request: number,
  arg: number,
) => number;

/** `void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)`, as an integer. */
export const libcMmap = libc.func(
  "uintptr_t mmap(uintptr_t addr, size_t length, int prot, int flags, int fd, long offset)",
) as (addr: number, length: number, prot: number, flags: number, fd: number, offset: number) => number;

/** `int munmap(void *addr, size_t length)`. */
export const libcMunmap = libc.func("int munmap(uintptr_t addr, size_t length)") as (
  addr: number,
  length: number,
) => number;

/** `long sysconf(int name)`: the page size (`_SC_PAGESIZE`). */
export const libcSysconf = libc.func("long sysconf(int name)") as (name: number) => number;

/** `int fcntl(int fd, int cmd, int arg)`: `F_DUPFD_CLOEXEC` for readers that own a duplicate. */
export const libcFcntl = libc.func("int fcntl(int fd, int cmd, int arg)") as (
  fd: number,
  cmd: number,
  arg: number,
) => number;

/**
 * `int prlimit(pid_t pid, int resource, const struct rlimit *new, struct rlimit *old)`, the
 * pointers as integers (0 for NULL).
 */
export const libcPrlimit = libc.func(
  "int prlimit(int pid, int resource, uintptr_t newLimit, uintptr_t oldLimit)",
) as (pid: number, resource: number, newLimit: number, oldLimit: number) => number;

/** The calling thread's errno, read right after a failed call. */
export function lastErrno(): number {
  return koffi.errno();
}

/**
 * Address of the first byte of a buffer. The buffer must stay reachable for as long as the
 * kernel may use the address: callers keep a reference across the syscall.
 */
export function addressOf(buffer: ArrayBufferView | ArrayBuffer): number {
  return Number(koffi.address(buffer));
}

/**
 * An ArrayBuffer over memory that is not Node's (an mmap'ed region): reads and writes go straight
 * to it.
 */
export function externalView(address: number, length: number): ArrayBuffer {
  return koffi.view(address, length);
}

/** POSIX errno names by number, from koffi's table of the running platform. */
export const errnoNames: ReadonlyMap<number, string> = new Map(
  Object.entries(koffi.os.errno).map(([name, value]) => [value, name]),
);

/** `int open(const char *path, int flags)`. */
export const libcOpen = libc.func("int open(const char *path, int flags)") as (path: string, flags: number) => number;

/** `long read(int fd, void *buf, size_t count)`, the buffer as an integer address. */
export const libcRead = libc.func("long read(int fd, uintptr_t buf, size_t count)") as (
  fd: number,
  buf: number,
  count: number,
) => number;

/** `unsigned int if_nametoindex(const char *ifname)`: 0 (and errno) when there is none. */
export const libcIfNameToIndex = libc.func("unsigned int if_nametoindex(const char *ifname)") as (name: string) => number;

/** `char *if_indextoname(unsigned int ifindex, char *ifname)`, the pointers as integers (0 for NULL). */
export const libcIfIndexToName = libc.func("uintptr_t if_indextoname(unsigned int ifindex, uintptr_t ifname)") as (
  index: number,
  name: number,
) => number;

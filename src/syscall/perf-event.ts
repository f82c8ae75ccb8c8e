/**
 * `perf_event_open(2)` and the perf event ioctls, with `struct perf_event_attr` laid out from
 * `linux/perf_event.h` (PERF_ATTR_SIZE_VER8, 136 bytes; kernels that know a smaller struct
 * accept it because the bytes they do not know are zero).
 *
 * @module
 */
import { Errno, SyscallError } from "./error.js";
import { s32, struct, u16, u32, u64 } from "./layout.js";
import { addressOf, lastErrno, libcIoctl, SYS, syscall5 } from "./libc.js";

/**
 * `struct perf_event_attr`. `flags` is the bitfield word (`disabled`, `watermark` …).
 *
 * @example
 * ```ts
 * const attr = PerfEventAttr.build({ type: PerfType.SOFTWARE, size: PerfEventAttr.size });
 * PerfEventAttr.size; // 136
 * ```
 */
export const PerfEventAttr = struct({
  type: u32,
  size: u32,
  config: u64,
  samplePeriod: u64, // union with sample_freq
  sampleType: u64,
  readFormat: u64,
  flags: u64,
  wakeupEvents: u32, // union with wakeup_watermark
  bpType: u32,
  config1: u64, // union with bp_addr, kprobe_func, uprobe_path
  config2: u64, // union with bp_len, kprobe_addr, probe_offset
  branchSampleType: u64,
  sampleRegsUser: u64,
  sampleStackUser: u32,
  clockid: s32,
  sampleRegsIntr: u64,
  auxWatermark: u32,
  sampleMaxStack: u16,
  _reserved2: u16,
  auxSampleSize: u32,
  _reserved3: u32,
  sigData: u64,
  config3: u64,
});

/**
 * `enum perf_type_id` values the library uses.
 *
 * @example
 * ```ts
 * perfEventOpen({ type: PerfType.SOFTWARE, config: PERF_COUNT_SW_BPF_OUTPUT }, -1, 0);
 * ```
 */
export const PerfType = {
  HARDWARE: 0,
  SOFTWARE: 1,
  TRACEPOINT: 2,
} as const;

/**
 * `PERF_COUNT_SW_BPF_OUTPUT` (4.4+): the software event `bpf_perf_event_output` writes to.
 *
 * @example
 * ```ts
 * perfEventOpen({ type: PerfType.SOFTWARE, config: PERF_COUNT_SW_BPF_OUTPUT }, -1, 0);
 * ```
 */
export const PERF_COUNT_SW_BPF_OUTPUT = 10;

/**
 * `PERF_SAMPLE_RAW`.
 *
 * @example
 * ```ts
 * perfEventOpen({ type: PerfType.SOFTWARE, config: PERF_COUNT_SW_BPF_OUTPUT, sampleType: PERF_SAMPLE_RAW }, -1, 0);
 * ```
 */
export const PERF_SAMPLE_RAW = 1 << 10;

/**
 * Bits of the `perf_event_attr` flags word.
 *
 * @example
 * ```ts
 * perfEventOpen({ type: PerfType.SOFTWARE, flags: PerfAttrFlag.WATERMARK, wakeupEvents: 1 }, -1, 0);
 * ```
 */
export const PerfAttrFlag = {
  DISABLED: 1n << 0n,
  /** `wakeup_watermark` (bytes) instead of `wakeup_events`. */
  WATERMARK: 1n << 14n,
  /** Overwritable ring written from the end backwards (4.7+). */
  WRITE_BACKWARD: 1n << 27n,
} as const;

/**
 * `PERF_FLAG_FD_CLOEXEC`.
 *
 * @example
 * ```ts
 * perfEventOpen(attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC); // always added
 * ```
 */
export const PERF_FLAG_FD_CLOEXEC = 1 << 3;

/**
 * `perf_event_header.type` values of records in a perf ring.
 *
 * @example
 * ```ts
 * if (view.getUint32(0, true) === PerfRecordType.LOST) countLoss();
 * ```
 */
export const PerfRecordType = {
  LOST: 2,
  SAMPLE: 9,
} as const;

/**
 * Perf event ioctl requests (generic `_IO`/`_IOW` encoding, same on x86-64 and arm64).
 *
 * @example
 * ```ts
 * perfEventIoctl(fd, PerfIoctl.PAUSE_OUTPUT, 1);
 * ```
 */
export const PerfIoctl = {
  ENABLE: 0x2400,
  DISABLE: 0x2401,
  /** `_IOW('$', 9, __u32)` (4.7+): stop / restart writing into the ring buffer. */
  PAUSE_OUTPUT: 0x40042409,
} as const;

/**
 * Offsets in `struct perf_event_mmap_page`, the first page of a perf ring mapping.
 *
 * @example
 * ```ts
 * const head = new BigUint64Array(meta.buffer, PerfMmapPage.dataHead, 1);
 * ```
 */
export const PerfMmapPage = {
  dataHead: 1024,
  dataTail: 1032,
  dataOffset: 1040,
  dataSize: 1048,
} as const;

/**
 * `perf_event_open(attr, pid, cpu, groupFd, flags | PERF_FLAG_FD_CLOEXEC)`; returns the event fd.
 * `attr.size` is filled in.
 *
 * @example
 * ```ts
 * import { perfEventOpen, PerfType, PERF_COUNT_SW_BPF_OUTPUT, PERF_SAMPLE_RAW } from "./perf-event.js";
 * const fd = perfEventOpen({ type: PerfType.SOFTWARE, config: PERF_COUNT_SW_BPF_OUTPUT, sampleType: PERF_SAMPLE_RAW, wakeupEvents: 1 }, -1, 0);
 * ```
 */
export function perfEventOpen(
  attr: Parameters<typeof PerfEventAttr.build>[0],
  pid: number,
  cpu: number,
  groupFd = -1,
  flags = 0,
): number {
  const bytes = PerfEventAttr.build({ ...attr, size: PerfEventAttr.size });
  for (;;) {
    const fd = syscall5(SYS.perfEventOpen, addressOf(bytes), pid, cpu, groupFd, flags | PERF_FLAG_FD_CLOEXEC);
    if (fd >= 0) return fd;
    const errno = lastErrno();
    if (errno === Errno.EINTR) continue;
    throw new SyscallError("perf_event_open", errno, `cpu ${cpu}`);
  }
}

/**
 * `ioctl(fd, request, arg)` on a perf event, throwing {@link SyscallError} on failure.
 *
 * @example
 * ```ts
 * import { perfEventIoctl, PerfIoctl } from "./perf-event.js";
 * perfEventIoctl(fd, PerfIoctl.ENABLE, 0);
 * ```
 */
export function perfEventIoctl(fd: number, request: number, arg: number): void {
  if (libcIoctl(fd, request, arg) < 0) {
    throw new SyscallError(`ioctl(0x${request.toString(16)})`, lastErrno(), `perf event fd ${fd}`);
  }
}

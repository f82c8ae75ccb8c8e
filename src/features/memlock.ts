/**
 * `removeMemlock`: lift RLIMIT_MEMLOCK on kernels that still charge BPF memory to it.
 *
 * @module
 */
import { NotSupportedError } from "../errors.js";
import {
  closeRaw,
  Errno,
  getRlimit,
  mapCreate,
  RLIM_INFINITY,
  RLIMIT_MEMLOCK,
  setRlimit,
  SyscallError,
} from "../syscall/index.js";

/** `BPF_MAP_TYPE_ARRAY`. */
const ARRAY = 2;

let memcgAccounting: boolean | undefined;

/**
 * Whether the kernel charges BPF memory to the memory cgroup (Linux 5.11) rather than to
 * RLIMIT_MEMLOCK. Probed once, as cilium/ebpf's rlimit package does: with the soft limit at 0, a
 * map can still be created only under memcg accounting.
 */
function detectMemcgAccounting(): boolean {
  if (memcgAccounting !== undefined) return memcgAccounting;
  // Keep the hard limit: lowering it cannot be undone without CAP_SYS_RESOURCE.
  const old = getRlimit(RLIMIT_MEMLOCK);
  setRlimit(RLIMIT_MEMLOCK, { cur: 0n, max: old.max });
  let mapError: unknown;
  try {
    closeRaw(mapCreate({ mapType: ARRAY, keySize: 4, valueSize: 4, maxEntries: 1 }));
  } catch (err) {
    mapError = err;
  } finally {
    setRlimit(RLIMIT_MEMLOCK, old);
  }
  if (mapError === undefined) {
    memcgAccounting = true;
  } else if (mapError instanceof SyscallError && mapError.errno === Errno.EPERM) {
    // EPERM: the map would exceed the (zero) memlock budget.
    memcgAccounting = false;
  } else {
    throw mapError;
  }
  return memcgAccounting;
}

/**
 * Remove the limit on locked memory if the kernel needs that to load BPF objects: before Linux
 * 5.11 maps and programs count against RLIMIT_MEMLOCK, which is often small. On 5.11+ (memory
 * cgroup accounting) it changes nothing. Call it once at start-up; it raises a process-wide
 * limit. Needs CAP_SYS_RESOURCE on older kernels; throws `SyscallError` ("prlimit") when the
 * limit cannot be raised.
 *
 * @example
 * ```ts
 * import { removeMemlock } from "ebpf/features";
 * removeMemlock();
 * ```
 */
export function removeMemlock(): void {
  if (detectMemcgAccounting()) return;
  setRlimit(RLIMIT_MEMLOCK, { cur: RLIM_INFINITY, max: RLIM_INFINITY });
}

/**
 * Check that the kernel charges BPF memory to memory cgroups (Linux 5.11), so RLIMIT_MEMLOCK no
 * longer matters; probed once. Throws `NotSupportedError` on older kernels.
 *
 * @example
 * ```ts
 * import { haveMemcgAccounting, removeMemlock } from "ebpf/features";
 * try {
 *   haveMemcgAccounting();
 * } catch {
 *   removeMemlock();
 * }
 * ```
 */
export function haveMemcgAccounting(): void {
  if (!detectMemcgAccounting()) throw new NotSupportedError("memcg-based accounting for BPF memory", "5.11");
}

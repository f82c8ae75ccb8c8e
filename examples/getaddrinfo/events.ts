// The BPF side of examples/getaddrinfo.ts and examples/getaddrinfo-bench.ts: bpf/getaddrinfo_channels.o
// loaded once, libc's getaddrinfo probed on entry and on return, and the events of the three
// channels (perf buffer from the stack, perf buffer from a per-CPU heap, ring buffer) decoded.
import { loadCollectionSpec, newCollection, NotSupportedError, SyscallError, type Collection } from "ebpf";
import { removeMemlock } from "ebpf/features";
import { availableParallelism } from "node:os";
import { openExecutable, type Link } from "ebpf/link";
import { newReader as newPerfReader, type Reader as PerfReader } from "ebpf/perf";
import { newReader as newRingbufReader, type Reader as RingbufReader } from "ebpf/ringbuf";
import { ExampleError } from "../shared/fail.js";

/** A way of getting events to user space; `none` emits nothing (the bench's baseline). */
export type Channel = "perf-stack" | "perf-heap" | "ringbuf" | "none";

/** The channels that deliver events. */
export const CHANNELS: readonly Exclude<Channel, "none">[] = ["perf-stack", "perf-heap", "ringbuf"];

const PROGRAMS: Record<Channel, string> = {
  "perf-stack": "gai_ret_perf_stack",
  "perf-heap": "gai_ret_perf_heap",
  ringbuf: "gai_ret_ringbuf",
  none: "gai_ret_none",
};

/** Bytes of each channel's event (bpf/getaddrinfo_channels.c), as the BPF program writes it. */
export const EVENT_SIZE: Record<Exclude<Channel, "none">, number> = { "perf-stack": 168, "perf-heap": 1064, ringbuf: 1064 };

/** Index of each channel in the `drops` map. */
const DROP_INDEX: Record<Exclude<Channel, "none">, number> = { "perf-stack": 0, "perf-heap": 1, ringbuf: 2 };

const HEADER = 40;

/** One traced call. */
export interface Lookup {
  pid: number;
  tid: number;
  /** getaddrinfo's return value: 0, or an EAI_* code. */
  ret: number;
  latencyNs: bigint;
  comm: string;
  host: string;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, end < 0 ? bytes.length : end).toString("utf8");
}

/**
 * Decode an event of any channel (they share the header; the host buffer's size differs).
 *
 * @example
 * ```ts
 * const { pid, host } = decodeLookup((await reader.read()).sample);
 * ```
 */
export function decodeLookup(sample: Uint8Array): Lookup {
  const v = new DataView(sample.buffer, sample.byteOffset, sample.byteLength);
  const hostLen = Math.min(v.getUint32(12, true), sample.byteLength - HEADER);
  return {
    pid: v.getUint32(0, true),
    tid: v.getUint32(4, true),
    ret: v.getInt32(8, true),
    latencyNs: v.getBigUint64(16, true),
    comm: cString(sample.subarray(24, HEADER)),
    host: cString(sample.subarray(HEADER, HEADER + hostLen)),
  };
}

const EAI: Record<number, string> = {
  [-1]: "EAI_BADFLAGS",
  [-2]: "EAI_NONAME",
  [-3]: "EAI_AGAIN",
  [-4]: "EAI_FAIL",
  [-5]: "EAI_NODATA",
  [-6]: "EAI_FAMILY",
  [-7]: "EAI_SOCKTYPE",
  [-8]: "EAI_SERVICE",
  [-9]: "EAI_ADDRFAMILY",
  [-10]: "EAI_MEMORY",
  [-11]: "EAI_SYSTEM",
  [-12]: "EAI_OVERFLOW",
};

/**
 * getaddrinfo's result as text: `ok` or glibc's name of the EAI_* code.
 *
 * @example
 * ```ts
 * resultName(-2); // "EAI_NONAME"
 * ```
 */
export function resultName(ret: number): string {
  return ret === 0 ? "ok" : (EAI[ret] ?? String(ret));
}

/** A reader of either kind, behind the calls the examples need. */
export interface EventSource {
  wait(options: { signal: AbortSignal }): Promise<void>;
  /** Pass every buffered event to `fn` as `data[offset, offset + length)`; returns how many. */
  consumeRaw(fn: (data: Uint8Array, offset: number, length: number) => void): number;
  /** Samples the kernel reported lost so far (perf only; the ring buffer counts in `drops`). */
  readonly lost: number;
  close(): void;
}

function perfSource(reader: PerfReader): EventSource {
  let lost = 0;
  return {
    wait: (options) => reader.wait(options),
    consumeRaw(fn) {
      const r = reader.consumeRaw(fn);
      lost += r.lostSamples;
      return r.samples;
    },
    get lost() {
      return lost;
    },
    close: () => reader.close(),
  };
}

function ringbufSource(reader: RingbufReader): EventSource {
  return {
    wait: (options) => reader.wait(options),
    consumeRaw: (fn) => reader.consumeRaw(fn),
    lost: 0,
    close: () => reader.close(),
  };
}

/** The ring buffer's size (bpf/getaddrinfo_channels.c): the perf buffer gets as much in all. */
const RINGBUF_BYTES = 1024 * 1024;

/** Bytes per CPU for the perf buffer: a power of two no larger than its share of RINGBUF_BYTES. */
function perfBytesPerCPU(): number {
  let size = 4096;
  while (size * 2 * availableParallelism() <= RINGBUF_BYTES) size *= 2;
  return size;
}

/** The path of the libc this process uses (the one getaddrinfo lives in). */
function libcPath(): string {
  try {
    return openExecutable("libc.so.6").path;
  } catch (err) {
    throw new ExampleError(`cannot find libc.so.6 among this process's mappings: ${(err as Error).message}`);
  }
}

/**
 * bpf/getaddrinfo_channels.o loaded, with the uprobes of one channel attached at a time.
 *
 * @example
 * ```ts
 * using t = await openTracer();
 * const source = t.attach("ringbuf");
 * ```
 */
export interface Tracer {
  readonly libc: string;
  /**
   * Attach the entry probe and `channel`'s return probe (to process `pid` only, when given) and
   * open its reader; `detach` undoes it.
   */
  attach(channel: Channel, pid?: number): EventSource | undefined;
  detach(): void;
  /** How many events `channel`'s BPF program could not emit (a full buffer). */
  drops(channel: Exclude<Channel, "none">): bigint;
  close(): void;
  [Symbol.dispose](): void;
}

function explain(what: string, err: unknown): unknown {
  if (err instanceof NotSupportedError) return new ExampleError(`${what}: ${err.message}`);
  if (err instanceof SyscallError && (err.code === "EPERM" || err.code === "EACCES")) {
    return new ExampleError(`${what} was refused (${err.code}): run as root, or grant CAP_BPF and CAP_PERFMON`);
  }
  return err;
}

/**
 * Load the object. Needs the ring buffer map (Linux 5.8+) and uprobes (CONFIG_UPROBE_EVENTS).
 * `perfWakeupEvents`: wake the perf reader every that many samples (default 1, every sample).
 *
 * @example
 * ```ts
 * using t = await openTracer();
 * ```
 */
export async function openTracer(perfWakeupEvents = 1): Promise<Tracer> {
  // Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK.
  removeMemlock();
  const spec = await loadCollectionSpec(new URL("../../bpf/getaddrinfo_channels.o", import.meta.url).pathname);
  let coll: Collection;
  try {
    coll = newCollection(spec);
  } catch (err) {
    throw explain("loading bpf/getaddrinfo_channels.o", err);
  }
  const libc = libcPath();
  const exe = openExecutable(libc);
  let links: Link[] = [];
  let source: EventSource | undefined;
  const detach = (): void => {
    for (const l of links) l.close();
    links = [];
    source?.close();
    source = undefined;
  };
  const close = (): void => {
    detach();
    coll.close();
  };
  return {
    libc,
    attach(channel: Channel, pid?: number): EventSource | undefined {
      detach();
      const options = pid === undefined ? {} : { pid };
      try {
        if (channel === "ringbuf") source = ringbufSource(newRingbufReader(coll.maps.rb!));
        else if (channel !== "none") source = perfSource(newPerfReader(coll.maps.perf_events!, perfBytesPerCPU(), { wakeupEvents: perfWakeupEvents }));
        links.push(exe.uprobe("getaddrinfo", coll.programs.gai_entry!, options));
        links.push(exe.uretprobe("getaddrinfo", coll.programs[PROGRAMS[channel]]!, options));
      } catch (err) {
        detach();
        throw explain(`attaching uprobes to getaddrinfo in ${libc}`, err);
      }
      return source;
    },
    detach,
    drops(channel) {
      const v = coll.maps.drops!.lookup(DROP_INDEX[channel])!;
      return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, true);
    },
    close,
    [Symbol.dispose]: close,
  };
}

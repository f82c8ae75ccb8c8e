/**
 * The map an event reader reads: a `Map` object, or anything with its fd. The kernel's own
 * account of the map (BPF_OBJ_GET_INFO_BY_FD) decides its type and size, so a wrong
 * `maxEntries` or a map of another type is reported before anything is mapped.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { MapInfo } from "../syscall/attr.js";
import { FD } from "../syscall/fd.js";
import { objGetInfoByFd } from "../syscall/obj.js";

/**
 * A map to read events from: a `Map` (its `fd` getter throws `ClosedError` once closed), an
 * {@link FD}, or `{ fd, maxEntries }` for a map opened elsewhere. `maxEntries`, when given, must
 * match the kernel's.
 *
 * @example
 * ```ts
 * import { newReader } from "ebpf/ringbuf";
 * const reader = newReader({ fd: rawFd, maxEntries: 1 << 16 });
 * ```
 *
 * @example
 * ```ts
 * const { fd, maxEntries }: EventMap = describeEventMap(map, 27, "ring buffer");
 * ```
 */
export interface EventMapSource {
  readonly fd: number | FD;
  readonly maxEntries?: number;
}

/** What the reader needs to know about its map. */
export interface EventMap {
  fd: number;
  type: number;
  maxEntries: number;
}

/**
 * Resolve a source to its fd and the kernel's view of its type and size.
 *
 * @example
 * ```ts
 * import { describeEventMap } from "./source.js";
 * const { fd, maxEntries } = describeEventMap(map, 27, "ring buffer");
 * ```
 */
export function describeEventMap(source: EventMapSource | FD, wantType: number, kind: string): EventMap {
  if (source === null || typeof source !== "object") {
    throw new ArgumentError(`${kind} reader: expected a Map or { fd }, got ${String(source)}`);
  }
  const fdLike = source instanceof FD ? source : source.fd;
  const fd = fdLike instanceof FD ? fdLike.raw : fdLike;
  if (!Number.isInteger(fd) || fd < 0) throw new ArgumentError(`${kind} reader: invalid map fd ${String(fd)}`);
  const info = new Uint8Array(MapInfo.size);
  objGetInfoByFd(fd, info);
  const view = new DataView(info.buffer);
  const type = MapInfo.get(view, "type");
  const maxEntries = MapInfo.get(view, "maxEntries");
  if (type !== wantType) {
    throw new ArgumentError(`${kind} reader: map (fd ${fd}) has type ${type}, not ${wantType}`);
  }
  const given = source instanceof FD ? undefined : source.maxEntries;
  if (given !== undefined && given !== maxEntries) {
    throw new ArgumentError(`${kind} reader: maxEntries ${given} given, but the kernel's map has ${maxEntries}`);
  }
  return { fd, type, maxEntries };
}

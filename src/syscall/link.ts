/**
 * Builders for the link commands of `bpf()`.
 *
 * @module
 */
import {
  LinkCreateAttr,
  LinkCreateKprobeMultiAttr,
  LinkCreatePerfEventAttr,
  LinkCreateTcxAttr,
  LinkCreateTracingAttr,
  LinkCreateUprobeMultiAttr,
  LinkDetachAttr,
  LinkUpdateAttr,
  ProgAttachAttr,
  RawTracepointOpenAttr,
} from "./attr.js";
import { bpfCall } from "./bpf.js";
import { BpfCmd } from "./commands.js";
import type { AttrValues, Field, Struct, StructValues } from "./layout.js";
import { addressOf } from "./libc.js";

/** Every BPF_LINK_CREATE layout; the caller picks the one its attach type reads. */
export const LinkCreateLayouts = {
  basic: LinkCreateAttr,
  perfEvent: LinkCreatePerfEventAttr,
  tracing: LinkCreateTracingAttr,
  kprobeMulti: LinkCreateKprobeMultiAttr,
  uprobeMulti: LinkCreateUprobeMultiAttr,
  tcx: LinkCreateTcxAttr,
} as const;

/**
 * BPF_LINK_CREATE (5.7+) with one of {@link LinkCreateLayouts}: returns the link fd. Pointer
 * fields take addresses of buffers the caller keeps alive across the call.
 */
export function linkCreate<F extends Record<string, Field>>(layout: Struct<F>, attr: StructValues<F>): number {
  return bpfCall(BpfCmd.LINK_CREATE, layout.build(attr));
}

/** BPF_LINK_UPDATE (5.7+): swap the link's program, optionally only if `oldProgFd` is attached. */
export function linkUpdate(linkFd: number, newProgFd: number, oldProgFd = 0): void {
  const flags = oldProgFd === 0 ? 0 : BPF_F_REPLACE;
  bpfCall(BpfCmd.LINK_UPDATE, LinkUpdateAttr.build({ linkFd, newProgFd, flags, oldProgFd }));
}

/** BPF_LINK_DETACH (5.9+): detach without closing the fd. */
export function linkDetach(linkFd: number): void {
  bpfCall(BpfCmd.LINK_DETACH, LinkDetachAttr.build({ linkFd }));
}

/** BPF_F_REPLACE for BPF_LINK_UPDATE and BPF_PROG_ATTACH. */
export const BPF_F_REPLACE = 1 << 2;

/**
 * BPF_RAW_TRACEPOINT_OPEN (4.17+): attach a raw tracepoint (or, with no name, a tracing / LSM
 * program to its load-time target, 5.5+). Returns the link fd. `cookie` needs 6.10+.
 */
export function rawTracepointOpen(progFd: number, name: string | undefined, cookie = 0n): number {
  const bytes = name === undefined ? undefined : new TextEncoder().encode(`${name}\0`);
  return bpfCall(
    BpfCmd.RAW_TRACEPOINT_OPEN,
    RawTracepointOpenAttr.build({ name: bytes ? addressOf(bytes) : 0, progFd, cookie }),
  );
}

/** BPF_PROG_ATTACH (4.10+), for cgroup, sockmap and other non-link attachments. */
export function progAttach(attr: AttrValues<typeof ProgAttachAttr>): void {
  bpfCall(BpfCmd.PROG_ATTACH, ProgAttachAttr.build(attr));
}

/** BPF_PROG_DETACH (4.10+). */
export function progDetach(attr: AttrValues<typeof ProgAttachAttr>): void {
  bpfCall(BpfCmd.PROG_DETACH, ProgAttachAttr.build(attr));
}

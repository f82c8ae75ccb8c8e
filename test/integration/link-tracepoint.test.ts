// Tracepoints and raw tracepoints on the running kernel: counts of a perl child's getpgid calls
// read back from the map, cookies, close detaching, pinning, and the typed errors of bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError } from "../../src/errors.js";
import { ProgramType, type Collection } from "../../src/index.js";
import { LinkType, loadPinnedLink, rawTracepoint, TraceEventNotFoundError, tracepoint } from "../../src/link/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { GETPGID_NR, lastCookie, loadTrace, Tag, traceCount, triggerGetpgid } from "./link-fixtures.js";
import { unlessAttachCookie, unlessKernelMember, unlessLinkType } from "../helpers/kernel.js";

expectNoFdLeaks();

let coll: Collection;
beforeAll(() => {
  coll = loadTrace(["tp_getpgid", "tp_getpgid_b", "raw_sys_enter"]);
});
afterAll(() => coll?.close());

const noPerfLink = unlessLinkType("BPF_LINK_TYPE_PERF_EVENT", "perf event links (BPF_LINK_TYPE_PERF_EVENT) need Linux 5.15");
const noTpCookie = unlessAttachCookie(ProgramType.TracePoint, "bpf_get_attach_cookie in tracepoint programs needs Linux 5.15");
const noRawCookie = unlessKernelMember("bpf_raw_tp_link", "cookie", "bpf_get_attach_cookie in raw tracepoint programs needs Linux 6.10");
const why = (reason: string | undefined): string => (reason ? ` (skipped: ${reason})` : "");

describe("tracepoint", () => {
  it("counts every getpgid of the child", () => {
    using _link = tracepoint("syscalls", "sys_enter_getpgid", coll.programs.tp_getpgid!);
    expect(traceCount(coll, Tag.tracepoint, triggerGetpgid(5))).toBe(5n);
  });

  it.skipIf(noTpCookie !== undefined)(`passes the cookie${why(noTpCookie)}`, () => {
    using c = loadTrace(["tp_getpgid_cookie"]);
    using link = tracepoint("syscalls", "sys_enter_getpgid", c.programs.tp_getpgid_cookie!, { cookie: 0xfeedn });
    expect(traceCount(c, Tag.tracepoint, triggerGetpgid(2))).toBe(2n);
    expect(lastCookie(c, Tag.tracepoint)).toBe(0xfeedn);
    expect(link.info().type).toBe(LinkType.PerfEvent);
    expect(link.info().programId).toBe(c.programs.tp_getpgid_cookie!.info().id);
  });

  it("stops counting once the link is closed", () => {
    const link = tracepoint("syscalls", "sys_enter_getpgid", coll.programs.tp_getpgid!);
    const pid = triggerGetpgid(2);
    expect(traceCount(coll, Tag.tracepoint, pid)).toBe(2n);
    link.close();
    link.close();
    const after = triggerGetpgid(3);
    expect(traceCount(coll, Tag.tracepoint, after)).toBe(0n);
  });

  it("attaches two programs to one tracepoint", () => {
    using a = tracepoint("syscalls", "sys_enter_getpgid", coll.programs.tp_getpgid!);
    using b = tracepoint("syscalls", "sys_enter_getpgid", coll.programs.tp_getpgid_b!);
    const pid = triggerGetpgid(3);
    expect(traceCount(coll, Tag.tracepoint, pid)).toBe(3n);
    expect(traceCount(coll, Tag.tracepointB, pid)).toBe(3n);
    expect(a.fd).not.toBe(b.fd);
  });

  it.skipIf(noPerfLink !== undefined)(`pins and reopens the link, which keeps counting until unpinned and closed${why(noPerfLink)}`, () => {
    const fs = mountTempBpffs();
    try {
      const path = `${fs.dir}/tp`;
      const link = tracepoint("syscalls", "sys_enter_getpgid", coll.programs.tp_getpgid!);
      link.pin(path);
      const id = link.info().id;
      link.close();
      // Pinned: closing our fd does not detach.
      expect(traceCount(coll, Tag.tracepoint, triggerGetpgid(1))).toBe(1n);
      const again = loadPinnedLink(path);
      expect(again.info().id).toBe(id);
      expect(again.info().type).toBe(LinkType.PerfEvent);
      again.unpin();
      again.close();
      expect(traceCount(coll, Tag.tracepoint, triggerGetpgid(1))).toBe(0n);
    } finally {
      fs.cleanup();
    }
  });

  it("names a missing tracepoint", () => {
    expect(() => tracepoint("syscalls", "sys_enter_no_such_call", coll.programs.tp_getpgid!)).toThrow(TraceEventNotFoundError);
    expect(() => tracepoint("syscalls", "sys_enter_no_such_call", coll.programs.tp_getpgid!)).toThrow(/syscalls\/sys_enter_no_such_call/);
    expect(() => tracepoint("../x", "y", coll.programs.tp_getpgid!)).toThrow(ArgumentError);
  });

  it("refuses a program of the wrong type", () => {
    expect(() => tracepoint("syscalls", "sys_enter_getpgid", coll.programs.raw_sys_enter!)).toThrow(
      /RawTracepoint, expected TracePoint/,
    );
  });

  it("refuses a closed program", () => {
    const c = loadTrace(["tp_getpgid"]);
    const prog = c.programs.tp_getpgid!;
    c.close();
    expect(() => tracepoint("syscalls", "sys_enter_getpgid", prog)).toThrow(ClosedError);
  });
});

describe("rawTracepoint", () => {
  it("counts the child's getpgid calls on sys_enter", () => {
    using link = rawTracepoint({ name: "sys_enter", program: coll.programs.raw_sys_enter! });
    expect(traceCount(coll, Tag.rawTp, triggerGetpgid(4), GETPGID_NR)).toBe(4n);
    expect(link.info().type).toBe(LinkType.RawTracepoint);
  });

  it.skipIf(noRawCookie !== undefined)(`passes the cookie${why(noRawCookie)}`, () => {
    using c = loadTrace(["raw_sys_enter_cookie"]);
    using _link = rawTracepoint({ name: "sys_enter", program: c.programs.raw_sys_enter_cookie!, cookie: 77n });
    expect(traceCount(c, Tag.rawTp, triggerGetpgid(2), GETPGID_NR)).toBe(2n);
    expect(lastCookie(c, Tag.rawTp)).toBe(77n);
  });

  it("stops counting once closed, and pins", () => {
    const fs = mountTempBpffs();
    try {
      const link = rawTracepoint({ name: "sys_enter", program: coll.programs.raw_sys_enter! });
      link.pin(`${fs.dir}/raw`);
      using again = loadPinnedLink(`${fs.dir}/raw`);
      expect(again.info().id).toBe(link.info().id);
      again.unpin();
      link.close();
      again.close();
      expect(traceCount(coll, Tag.rawTp, triggerGetpgid(2), GETPGID_NR)).toBe(0n);
    } finally {
      fs.cleanup();
    }
  });

  it("names a missing raw tracepoint and refuses wrong program types", () => {
    expect(() => rawTracepoint({ name: "no_such_tp_xyz", program: coll.programs.raw_sys_enter! })).toThrow(TraceEventNotFoundError);
    expect(() => rawTracepoint({ name: "no_such_tp_xyz", program: coll.programs.raw_sys_enter! })).toThrow(/no_such_tp_xyz/);
    expect(() => rawTracepoint({ name: "sys_enter", program: coll.programs.tp_getpgid! })).toThrow(/expected RawTracepoint/);
  });

  it("cannot be updated", () => {
    using link = rawTracepoint({ name: "sys_enter", program: coll.programs.raw_sys_enter! });
    expect(() => link.update(coll.programs.raw_sys_enter!)).toThrow();
  });
});

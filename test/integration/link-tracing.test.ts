// Tracing links: tp_btf runs here; fentry/fexit load only where the host allows trampolines (this
// CI host refuses BPF_PROG_LOAD of fentry with EPERM; the qemu VMs run them).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError, NotSupportedError } from "../../src/errors.js";
import { AttachType, loadAndAssign, loadCollectionSpecFromBuffer, type Collection } from "../../src/index.js";
import { attachTracing, LinkType, loadPinnedLink } from "../../src/link/index.js";
import { SyscallError } from "../../src/syscall/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unlessKernelMember, unlessKernelNestedMember } from "../helpers/kernel.js";
import {
  GETPGID_FN,
  GETPGID_NR,
  lastCookie,
  loadTrace,
  Tag,
  traceCount,
  traceObject,
  triggerGetpgid,
} from "./link-fixtures.js";

expectNoFdLeaks();

let coll: Collection;
beforeAll(() => {
  coll = loadTrace(["btf_sys_enter", "raw_sys_enter"]);
});
afterAll(() => coll?.close());

/** Why fentry/fexit cannot run here: only EPERM from loading a valid program counts. */
function trampolinesRefused(): string | undefined {
  try {
    loadTrace(["fentry_getpgid"]).close();
    return undefined;
  } catch (err) {
    if (err instanceof SyscallError && err.code === "EPERM") return "fentry: BPF_PROG_LOAD refused with EPERM by this host's policy";
    throw err;
  }
}
const noTrampolines = trampolinesRefused();
const noBtfCookie = unlessKernelMember("bpf_raw_tp_link", "cookie", "bpf_get_attach_cookie in tp_btf programs needs Linux 6.10");
const noFentryCookie = unlessKernelNestedMember("bpf_attr", "tracing", "cookie", "bpf_get_attach_cookie in fentry programs needs Linux 5.19");
const why = (reason: string | undefined): string => (reason ? ` (skipped: ${reason})` : "");

describe("tp_btf", () => {
  it("counts the child's getpgid calls through BPF_LINK_CREATE", () => {
    using link = attachTracing({ program: coll.programs.btf_sys_enter!, attachType: AttachType.AttachTraceRawTp });
    expect(traceCount(coll, Tag.tpBtf, triggerGetpgid(3), GETPGID_NR)).toBe(3n);
    // The kernel makes tp_btf links raw tracepoint links.
    expect(link.info().type).toBe(LinkType.RawTracepoint);
  });

  it.skipIf(noBtfCookie !== undefined)(`passes the cookie${why(noBtfCookie)}`, () => {
    using c = loadTrace(["btf_sys_enter_cookie"]);
    using _link = attachTracing({ program: c.programs.btf_sys_enter_cookie!, attachType: AttachType.AttachTraceRawTp, cookie: 0xabcn });
    expect(traceCount(c, Tag.tpBtf, triggerGetpgid(2), GETPGID_NR)).toBe(2n);
    expect(lastCookie(c, Tag.tpBtf)).toBe(0xabcn);
  });

  it("attaches without an attach type through BPF_RAW_TRACEPOINT_OPEN", () => {
    const link = attachTracing({ program: coll.programs.btf_sys_enter! });
    expect(traceCount(coll, Tag.tpBtf, triggerGetpgid(2), GETPGID_NR)).toBe(2n);
    link.close();
    expect(traceCount(coll, Tag.tpBtf, triggerGetpgid(2), GETPGID_NR)).toBe(0n);
  });

  it("pins and reopens", () => {
    const fs = mountTempBpffs();
    try {
      using link = attachTracing({ program: coll.programs.btf_sys_enter!, attachType: AttachType.AttachTraceRawTp });
      link.pin(`${fs.dir}/tp_btf`);
      using again = loadPinnedLink(`${fs.dir}/tp_btf`);
      expect(again.info()).toMatchObject({ id: link.info().id, type: LinkType.RawTracepoint });
      again.unpin();
    } finally {
      fs.cleanup();
    }
  });

  it("rejects wrong program types, attach types, cookies without attach type and closed programs", () => {
    expect(() => attachTracing({ program: coll.programs.raw_sys_enter! })).toThrow(/expected Tracing or LSM/);
    expect(() => attachTracing({ program: coll.programs.btf_sys_enter!, attachType: AttachType.AttachXDP })).toThrow(ArgumentError);
    expect(() => attachTracing({ program: coll.programs.btf_sys_enter!, cookie: 1n })).toThrow(/attachType/);
    const c = loadTrace(["btf_sys_enter"]);
    const prog = c.programs.btf_sys_enter!;
    c.close();
    expect(() => attachTracing({ program: prog })).toThrow(ClosedError);
  });

  it("names a missing kernel function at load time", () => {
    const spec = loadCollectionSpecFromBuffer(readFileSync(traceObject));
    spec.programs.btf_sys_enter = { ...spec.programs.btf_sys_enter!, attachTo: "no_such_tracepoint_xyz" };
    expect(() => loadAndAssign(spec, { programs: ["btf_sys_enter"] })).toThrow(NotSupportedError);
    expect(() => loadAndAssign(spec, { programs: ["btf_sys_enter"] })).toThrow(/no_such_tracepoint_xyz/);
  });
});

describe.skipIf(noTrampolines !== undefined)(`fentry / fexit on ${GETPGID_FN}${why(noTrampolines)}`, () => {
  let c: Collection;
  beforeAll(() => {
    c = loadTrace(["fentry_getpgid", "fexit_getpgid"]);
  });
  afterAll(() => c?.close());

  it("counts entries and exits", () => {
    using entry = attachTracing({ program: c.programs.fentry_getpgid!, attachType: AttachType.AttachTraceFEntry });
    using exit = attachTracing({ program: c.programs.fexit_getpgid!, attachType: AttachType.AttachTraceFExit });
    const pid = triggerGetpgid(3);
    expect(traceCount(c, Tag.fentry, pid)).toBe(3n);
    expect(traceCount(c, Tag.fexit, pid)).toBe(3n);
    expect(entry.info().type).toBe(LinkType.Tracing);
    expect(exit.info().type).toBe(LinkType.Tracing);
  });

  it.skipIf(noFentryCookie !== undefined)(`passes the cookie${why(noFentryCookie)}`, () => {
    using c = loadTrace(["fentry_getpgid_cookie"]);
    using _link = attachTracing({ program: c.programs.fentry_getpgid_cookie!, attachType: AttachType.AttachTraceFEntry, cookie: 5n });
    expect(traceCount(c, Tag.fentry, triggerGetpgid(2))).toBe(2n);
    expect(lastCookie(c, Tag.fentry)).toBe(5n);
  });

  it("stops counting once closed", () => {
    // A fresh program: before 5.13 a trampoline program attaches only once.
    using fresh = loadTrace(["fentry_getpgid"]);
    const link = attachTracing({ program: fresh.programs.fentry_getpgid! });
    expect(traceCount(fresh, Tag.fentry, triggerGetpgid(1))).toBe(1n);
    link.close();
    expect(traceCount(fresh, Tag.fentry, triggerGetpgid(1))).toBe(0n);
  });

  it("names a missing kernel function at load time", () => {
    const spec = loadCollectionSpecFromBuffer(readFileSync(traceObject));
    spec.programs.fentry_getpgid = { ...spec.programs.fentry_getpgid!, attachTo: "no_such_function_xyz" };
    expect(() => loadAndAssign(spec, { programs: ["fentry_getpgid"] })).toThrow(/no_such_function_xyz/);
  });
});

// kprobes, kretprobes and kprobe.multi on getpgid's syscall wrapper. This CI host has no kprobes
// (CONFIG_KPROBES off) and no fprobe (CONFIG_FPROBE off): those tests skip naming the missing
// option and run in the qemu VMs (`npm run test:vm`); the input checks run everywhere.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError, NotSupportedError } from "../../src/errors.js";
import { ProgramType, type Collection } from "../../src/index.js";
import { kprobe, kprobeMulti, kretprobe, LinkType, loadPinnedLink, TraceEventNotFoundError } from "../../src/link/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { GETPGID_FN, kprobesMissing, lastCookie, loadTrace, Tag, traceCount, triggerGetpgid } from "./link-fixtures.js";
import { unlessAttachCookie, unlessLinkType } from "../helpers/kernel.js";

expectNoFdLeaks();

let coll: Collection;
beforeAll(() => {
  coll = loadTrace(["kprobe_getpgid", "kretprobe_getpgid", "tp_getpgid"]);
});
afterAll(() => coll?.close());

const noKprobes = kprobesMissing();

/** Why kprobe.multi cannot run here: the NotSupportedError of a real attempt. */
function kprobeMultiMissing(): string | undefined {
  const c = loadTrace(["kprobe_multi_getpgid"]);
  try {
    kprobeMulti({ program: c.programs.kprobe_multi_getpgid!, symbols: [GETPGID_FN] }).close();
    return undefined;
  } catch (err) {
    if (err instanceof NotSupportedError) return err.message;
    throw err;
  } finally {
    c.close();
  }
}
const noMulti = kprobeMultiMissing();
const noCookie = noKprobes ?? unlessAttachCookie(ProgramType.Kprobe, "bpf_get_attach_cookie in kprobe programs needs Linux 5.15");
const noPerfLink = noKprobes ?? unlessLinkType("BPF_LINK_TYPE_PERF_EVENT", "perf event links (BPF_LINK_TYPE_PERF_EVENT) need Linux 5.15");
const why = (reason: string | undefined): string => (reason ? ` (skipped: ${reason})` : "");

describe.skipIf(noKprobes !== undefined)(`kprobe / kretprobe${noKprobes ? ` (skipped: ${noKprobes})` : ""}`, () => {
  it("counts entries of sys_getpgid through the syscall-prefix retry", () => {
    using _link = kprobe("sys_getpgid", coll.programs.kprobe_getpgid!);
    expect(traceCount(coll, Tag.kprobe, triggerGetpgid(3))).toBe(3n);
  });

  it.skipIf(noCookie !== undefined)(`passes the cookie${why(noCookie)}`, () => {
    using c = loadTrace(["kprobe_getpgid_cookie"]);
    using link = kprobe(GETPGID_FN, c.programs.kprobe_getpgid_cookie!, { cookie: 11n });
    expect(traceCount(c, Tag.kprobe, triggerGetpgid(2))).toBe(2n);
    expect(lastCookie(c, Tag.kprobe)).toBe(11n);
    expect(link.info().type).toBe(LinkType.PerfEvent);
  });

  it("counts returns, and the tracefs path (maxActive) too", () => {
    using ret = kretprobe(GETPGID_FN, coll.programs.kretprobe_getpgid!);
    expect(traceCount(coll, Tag.kretprobe, triggerGetpgid(2))).toBe(2n);
    ret.close();
    using viaTracefs = kretprobe(GETPGID_FN, coll.programs.kretprobe_getpgid!, { maxActive: 8 });
    expect(traceCount(coll, Tag.kretprobe, triggerGetpgid(2))).toBe(2n);
    viaTracefs.close();
    expect(traceCount(coll, Tag.kretprobe, triggerGetpgid(1))).toBe(0n);
  });

  it.skipIf(noPerfLink !== undefined)(`stops counting once closed, and pins${why(noPerfLink)}`, () => {
    const fs = mountTempBpffs();
    try {
      const link = kprobe(GETPGID_FN, coll.programs.kprobe_getpgid!);
      link.pin(`${fs.dir}/kp`);
      using again = loadPinnedLink(`${fs.dir}/kp`);
      expect(again.info().id).toBe(link.info().id);
      again.unpin();
      link.close();
      again.close();
      expect(traceCount(coll, Tag.kprobe, triggerGetpgid(2))).toBe(0n);
    } finally {
      fs.cleanup();
    }
  });

  it("names a missing symbol", () => {
    expect(() => kprobe("no_such_function_xyz", coll.programs.kprobe_getpgid!)).toThrow(TraceEventNotFoundError);
    expect(() => kretprobe("sys_no_such_call_xyz", coll.programs.kretprobe_getpgid!)).toThrow(/sys_no_such_call_xyz/);
  });
});

describe.skipIf(noKprobes === undefined)("kprobe without kernel support", () => {
  it("throws NotSupportedError naming CONFIG_KPROBES", () => {
    expect(() => kprobe(GETPGID_FN, coll.programs.kprobe_getpgid!)).toThrow(NotSupportedError);
    expect(() => kretprobe(GETPGID_FN, coll.programs.kretprobe_getpgid!)).toThrow(/CONFIG_KPROBES/);
  });
});

describe.skipIf(noMulti !== undefined)(`kprobe.multi${why(noMulti)}`, () => {
  let multi: Collection;
  beforeAll(() => {
    multi = loadTrace(["kprobe_multi_getpgid", "kprobe_multi_cookie"]);
  });
  afterAll(() => multi?.close());

  it("attaches by pattern and counts, and stops once closed", () => {
    const link = kprobeMulti({ program: multi.programs.kprobe_multi_getpgid!, pattern: "__*_sys_getpgid" });
    try {
      expect(traceCount(multi, Tag.kprobeMulti, triggerGetpgid(3))).toBe(3n);
      expect(link.info().type).toBe(LinkType.KprobeMulti);
    } finally {
      link.close();
    }
    expect(traceCount(multi, Tag.kprobeMulti, triggerGetpgid(1))).toBe(0n);
  });

  it("attaches by symbol with cookies, and by address", () => {
    using bySymbol = kprobeMulti({ program: multi.programs.kprobe_multi_cookie!, symbols: [GETPGID_FN], cookies: [99n] });
    expect(traceCount(multi, Tag.kprobeMulti, triggerGetpgid(1))).toBe(1n);
    expect(lastCookie(multi, Tag.kprobeMulti)).toBe(99n);
    expect(bySymbol.info().type).toBe(LinkType.KprobeMulti);
    bySymbol.close();
    const line = readFileSync("/proc/kallsyms", "utf8").split("\n").find((l) => l.endsWith(` ${GETPGID_FN}`));
    using byAddress = kprobeMulti({ program: multi.programs.kprobe_multi_getpgid!, addresses: [BigInt(`0x${line!.split(" ")[0]}`)] });
    expect(traceCount(multi, Tag.kprobeMulti, triggerGetpgid(2))).toBe(2n);
    expect(byAddress.info().type).toBe(LinkType.KprobeMulti);
  });

  it("names missing symbols and empty patterns", () => {
    expect(() => kprobeMulti({ program: multi.programs.kprobe_multi_getpgid!, symbols: ["no_such_function_xyz"] })).toThrow(
      /no_such_function_xyz/,
    );
    expect(() => kprobeMulti({ program: multi.programs.kprobe_multi_getpgid!, pattern: "no_such_*_xyz" })).toThrow(TraceEventNotFoundError);
  });
});

describe("kprobe input checks", () => {
  it("refuses wrong program types, closed programs and bad names before the kernel", () => {
    expect(() => kprobe(GETPGID_FN, coll.programs.tp_getpgid!)).toThrow(/TracePoint, expected Kprobe/);
    expect(() => kprobe("bad name", coll.programs.kprobe_getpgid!)).toThrow(ArgumentError);
    expect(() => kprobe(GETPGID_FN, coll.programs.kprobe_getpgid!, { offset: -1n })).toThrow(ArgumentError);
    expect(() => kretprobe(GETPGID_FN, coll.programs.kretprobe_getpgid!, { maxActive: -1 })).toThrow(ArgumentError);
    expect(() => kprobeMulti({ program: coll.programs.kprobe_getpgid! })).toThrow(/exactly one/);
    expect(() => kprobeMulti({ program: coll.programs.kprobe_getpgid!, symbols: ["a", "b"], cookies: [1n] })).toThrow(/2 targets/);
    expect(() => kprobeMulti({ program: coll.programs.tp_getpgid!, symbols: ["a"] })).toThrow(/expected Kprobe/);
    const c = loadTrace(["kprobe_getpgid"]);
    const prog = c.programs.kprobe_getpgid!;
    c.close();
    expect(() => kprobe(GETPGID_FN, prog)).toThrow(ClosedError);
  });
});

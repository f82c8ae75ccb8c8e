// XDP on a veth pair the test creates in a network namespace of its own: UDP datagrams sent from
// inside the namespace are counted (and dropped) by programs on our end of the pair, through an
// XDP link (5.9+) and through the netlink path older kernels use.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError, NotSupportedError } from "../../src/errors.js";
import type { Collection } from "../../src/index.js";
import {
  AlreadyAttachedError,
  attachXDP,
  interfaceIndex,
  InterfaceNotFoundError,
  LinkType,
  loadPinnedLink,
  XDPFlags,
} from "../../src/link/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { createVethPair, vethMissing, loadNet, loadTrace, netCount, type VethPair } from "./link-fixtures.js";

expectNoFdLeaks();

const PASS = 0;
const DROP = 1;

const noVeth = vethMissing();
const why = (reason: string | undefined): string => (reason ? ` (skipped: ${reason})` : "");

let coll: Collection;
let veth: VethPair;
beforeAll(() => {
  coll = loadNet(["xdp_pass", "xdp_drop", "tcx_count"]);
  if (noVeth === undefined) veth = createVethPair("xdp");
});
afterAll(() => {
  veth?.cleanup();
  coll?.close();
});

/** Counts of both programs after `n` pings. */
function pingCounts(n: number): [bigint, bigint] {
  const before = [netCount(coll, PASS), netCount(coll, DROP)];
  veth.ping(n);
  return [netCount(coll, PASS) - before[0]!, netCount(coll, DROP) - before[1]!];
}

function xdpAttached(): boolean {
  return /prog\/xdp/.test(execFileSync("ip", ["link", "show", "dev", veth.host], { encoding: "utf8" }));
}

describe.skipIf(noVeth !== undefined)(`XDP link${why(noVeth)}`, () => {
  it("counts pings, swaps programs with update, and detaches on close", () => {
    using link = attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host });
    expect(link.info().type).toBe(LinkType.XDP);
    expect(pingCounts(3)).toEqual([3n, 0n]);
    link.update(coll.programs.xdp_drop!);
    expect(link.info().programId).toBe(coll.programs.xdp_drop!.info().id);
    expect(pingCounts(3)).toEqual([0n, 3n]);
    link.close();
    expect(xdpAttached()).toBe(false);
    expect(pingCounts(2)).toEqual([0n, 0n]);
  });

  it("attaches by index in generic mode", () => {
    using link = attachXDP({ program: coll.programs.xdp_pass!, interface: interfaceIndex(veth.host), flags: XDPFlags.Generic });
    expect(pingCounts(2)).toEqual([2n, 0n]);
    expect(link.info().type).toBe(LinkType.XDP);
  });

  it("refuses a second program on the interface", () => {
    using _link = attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host });
    expect(() => attachXDP({ program: coll.programs.xdp_drop!, interface: veth.host })).toThrow(AlreadyAttachedError);
    expect(() => attachXDP({ program: coll.programs.xdp_drop!, interface: veth.host, mode: "netlink" })).toThrow(
      AlreadyAttachedError,
    );
  });

  it("pins and reopens; the pinned link outlives close", () => {
    const fs = mountTempBpffs();
    try {
      const link = attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host });
      link.pin(`${fs.dir}/xdp`);
      const id = link.info().id;
      link.close();
      expect(pingCounts(1)).toEqual([1n, 0n]);
      using again = loadPinnedLink(`${fs.dir}/xdp`);
      expect(again.info()).toMatchObject({ id, type: LinkType.XDP });
      again.update(coll.programs.xdp_drop!);
      expect(pingCounts(1)).toEqual([0n, 1n]);
      again.unpin();
      again.close();
      expect(xdpAttached()).toBe(false);
    } finally {
      fs.cleanup();
    }
  });
});

describe.skipIf(noVeth !== undefined)(`XDP by netlink (the path before 5.9)${why(noVeth)}`, () => {
  it("attaches, updates and removes the program", () => {
    using link = attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host, flags: XDPFlags.Generic, mode: "netlink" });
    expect(xdpAttached()).toBe(true);
    expect(pingCounts(2)).toEqual([2n, 0n]);
    link.update(coll.programs.xdp_drop!);
    expect(pingCounts(2)).toEqual([0n, 2n]);
    expect(() => link.pin("/sys/fs/bpf/never")).toThrow(NotSupportedError);
    expect(() => link.info()).toThrow(NotSupportedError);
    link.close();
    link.close();
    expect(xdpAttached()).toBe(false);
    expect(pingCounts(2)).toEqual([0n, 0n]);
    expect(() => link.update(coll.programs.xdp_pass!)).toThrow(ClosedError);
  });

  it("replaces an attached program only when asked to", () => {
    using first = attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host, flags: XDPFlags.Generic, mode: "netlink" });
    expect(() =>
      attachXDP({ program: coll.programs.xdp_drop!, interface: veth.host, flags: XDPFlags.Generic, mode: "netlink" }),
    ).toThrow(AlreadyAttachedError);
    using second = attachXDP({
      program: coll.programs.xdp_drop!,
      interface: veth.host,
      flags: XDPFlags.Generic | XDPFlags.Replace,
    });
    expect(pingCounts(1)).toEqual([0n, 1n]);
    second.close();
    expect(xdpAttached()).toBe(false);
    // The first no longer owns the hook: closing it leaves nothing behind and does not throw.
    first.close();
  });
});

describe.skipIf(noVeth !== undefined)(`XDP bad input${why(noVeth)}`, () => {
  it("names a missing interface", () => {
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: "nosuchif0" })).toThrow(InterfaceNotFoundError);
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: "nosuchif0" })).toThrow(/nosuchif0/);
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: 0x7ffffff0 })).toThrow(InterfaceNotFoundError);
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: "../../etc" })).toThrow(ArgumentError);
  });

  it("refuses wrong program types, closed programs and bad flags", () => {
    expect(() => attachXDP({ program: coll.programs.tcx_count!, interface: veth.host })).toThrow(/SchedCLS, expected XDP/);
    const t = loadTrace(["tp_getpgid"]);
    expect(() => attachXDP({ program: t.programs.tp_getpgid!, interface: veth.host })).toThrow(/expected XDP/);
    t.close();
    const c = loadNet(["xdp_pass"]);
    const prog = c.programs.xdp_pass!;
    c.close();
    expect(() => attachXDP({ program: prog, interface: veth.host })).toThrow(ClosedError);
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host, flags: XDPFlags.Generic | XDPFlags.Driver })).toThrow(
      /more than one mode/,
    );
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host, flags: 1 << 9 })).toThrow(/unknown flags/);
    expect(() => attachXDP({ program: coll.programs.xdp_pass!, interface: veth.host, flags: XDPFlags.Replace, mode: "link" })).toThrow(
      ArgumentError,
    );
    expect(xdpAttached()).toBe(false);
  });
});

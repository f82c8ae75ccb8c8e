// TCX (6.6+) on a veth pair the test creates in a network namespace of its own: UDP datagrams
// sent from inside the namespace are counted on our end's ingress by tcx programs, in the order
// the anchors give.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError, NotSupportedError } from "../../src/errors.js";
import { AttachType, type Collection } from "../../src/index.js";
import { attachTCX, interfaceIndex, InterfaceNotFoundError, LinkType, loadPinnedLink } from "../../src/link/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { createVethPair, vethMissing, loadNet, netCount, type VethPair } from "./link-fixtures.js";
import { unlessLinkType } from "../helpers/kernel.js";

expectNoFdLeaks();

const A = 2;
const B = 4;

const noTCX = unlessLinkType("BPF_LINK_TYPE_TCX", "TCX needs Linux 6.6");
const skip = noTCX ?? vethMissing();
const why = (reason: string | undefined): string => (reason ? ` (skipped: ${reason})` : "");

let coll: Collection;
let veth: VethPair;
beforeAll(() => {
  coll = loadNet(["tcx_count", "tcx_count_b", "xdp_pass"]);
  if (skip === undefined) veth = createVethPair("tcx");
});
afterAll(() => {
  veth?.cleanup();
  coll?.close();
});

function counts(n: number): [bigint, bigint] {
  const before = [netCount(coll, A), netCount(coll, B)];
  veth.ping(n);
  return [netCount(coll, A) - before[0]!, netCount(coll, B) - before[1]!];
}

describe.skipIf(noTCX === undefined)("TCX on kernels before 6.6", () => {
  it("throws NotSupportedError naming TCX and 6.6", () => {
    expect(() => attachTCX({ program: coll.programs.tcx_count!, interface: "lo", attachType: AttachType.AttachTCXIngress })).toThrow(
      NotSupportedError,
    );
    expect(() => attachTCX({ program: coll.programs.tcx_count!, interface: "lo", attachType: AttachType.AttachTCXIngress })).toThrow(/6\.6/);
  });
});

describe.skipIf(skip !== undefined)(`TCX${why(skip)}`, () => {
  it("counts ingress packets, detaches on close", () => {
    const link = attachTCX({ program: coll.programs.tcx_count!, interface: veth.host, attachType: AttachType.AttachTCXIngress });
    try {
      expect(link.info().type).toBe(LinkType.TCX);
      expect(counts(3)).toEqual([3n, 0n]);
    } finally {
      link.close();
    }
    expect(counts(2)).toEqual([0n, 0n]);
  });

  it("runs two programs in anchor order and updates one", () => {
    const a = attachTCX({ program: coll.programs.tcx_count!, interface: veth.host, attachType: AttachType.AttachTCXIngress });
    using b = attachTCX({
      program: coll.programs.tcx_count_b!,
      interface: interfaceIndex(veth.host),
      attachType: AttachType.AttachTCXIngress,
      anchor: { before: a, kind: "link" },
    });
    try {
      expect(counts(2)).toEqual([2n, 2n]);
    } finally {
      a.close();
    }
    // One program appears once per hook: b can take tcx_count now that a is gone.
    b.update(coll.programs.tcx_count!);
    expect(b.info().programId).toBe(coll.programs.tcx_count!.info().id);
    expect(counts(1)).toEqual([1n, 0n]);
    using head = attachTCX({ program: coll.programs.tcx_count_b!, interface: veth.host, attachType: AttachType.AttachTCXIngress, anchor: "head" });
    expect(counts(1)).toEqual([1n, 1n]);
    expect(head.info().type).toBe(LinkType.TCX);
  });

  it("attaches on egress and pins", () => {
    const fs = mountTempBpffs();
    try {
      using link = attachTCX({ program: coll.programs.tcx_count!, interface: veth.host, attachType: AttachType.AttachTCXEgress });
      link.pin(`${fs.dir}/tcx`);
      using again = loadPinnedLink(`${fs.dir}/tcx`);
      expect(again.info()).toMatchObject({ id: link.info().id, type: LinkType.TCX });
      again.unpin();
    } finally {
      fs.cleanup();
    }
  });

  it("rejects a missing interface, wrong attach type, wrong program type, closed program and bad anchor", () => {
    const base = { program: coll.programs.tcx_count!, interface: veth.host, attachType: AttachType.AttachTCXIngress };
    expect(() => attachTCX({ ...base, interface: "nosuchif0" })).toThrow(InterfaceNotFoundError);
    expect(() => attachTCX({ ...base, attachType: AttachType.AttachXDP })).toThrow(/not AttachTCXIngress or AttachTCXEgress/);
    expect(() => attachTCX({ ...base, program: coll.programs.xdp_pass! })).toThrow(/XDP, expected SchedCLS/);
    expect(() => attachTCX({ ...base, anchor: "middle" as never })).toThrow(ArgumentError);
    const c = loadNet(["tcx_count"]);
    const prog = c.programs.tcx_count!;
    c.close();
    expect(() => attachTCX({ ...base, program: prog })).toThrow(ClosedError);
  });
});

// netkit (6.7+): a netkit pair the test creates, the primary in our namespace and the peer in a
// namespace of its own, point-to-point 169.254.78.2 <-> 169.254.78.1 (link-local, on our own
// devices only). UDP datagrams the primary sends are counted by a program on the primary hook,
// datagrams sent from inside the namespace by a program on the peer hook.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import type { Collection } from "../../src/index.js";
import { attachNetkit, InterfaceNotFoundError, LinkType } from "../../src/link/index.js";
import { ifIndexToName } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { netkitMissing, why } from "../helpers/kernel.js";
import { loadNet, netCount, udpSender } from "./link-fixtures.js";

expectNoFdLeaks();

const PRIMARY = 5;
const PEER = 6;
const skip = netkitMissing();

const id = `${process.pid % 100000}`;
const ns = `ebpf-lk-nk-${id}`;
const primary = `lknk${id}`;
const peer = `${primary}p`;
const ip = (...args: string[]): string => execFileSync("ip", args, { encoding: "utf8" });

function cleanup(): void {
  for (const args of [["link", "del", primary], ["netns", "del", ns]]) {
    try {
      execFileSync("ip", args, { stdio: "ignore" });
    } catch {
      // Already gone.
    }
  }
}

/** The name of the device with index `ifindex` in our namespace. */
function nameOfIndex(ifindex: number): string {
  const name = ifIndexToName(ifindex);
  if (name === undefined) throw new Error(`no device with index ${ifindex}`);
  return name;
}

/**
 * The pair, made without iproute2's netkit support (older `ip` sends the kind alone): the kernel
 * names the peer nk<N> in our namespace; its index is the primary's iflink.
 */
function createPair(): void {
  cleanup();
  ip("netns", "add", ns);
  ip("link", "add", primary, "type", "netkit");
  const peerIndex = Number(readFileSync(`/sys/class/net/${primary}/iflink`, "utf8"));
  const auto = nameOfIndex(peerIndex);
  ip("link", "set", auto, "name", peer);
  ip("link", "set", peer, "netns", ns);
  ip("addr", "add", "169.254.78.2", "peer", "169.254.78.1/32", "dev", primary);
  ip("-n", ns, "addr", "add", "169.254.78.1", "peer", "169.254.78.2/32", "dev", peer);
  ip("link", "set", primary, "up");
  ip("-n", ns, "link", "set", peer, "up");
  ip("-n", ns, "link", "set", "lo", "up");
}

const sendFromPrimary = (n: number): void => void execFileSync("/usr/bin/perl", ["-e", udpSender("169.254.78.1", n)], { stdio: "ignore" });
const sendFromPeer = (n: number): void =>
  void execFileSync("ip", ["netns", "exec", ns, "/usr/bin/perl", "-e", udpSender("169.254.78.2", n)], { stdio: "ignore" });

describe.skipIf(skip !== undefined)(`netkit${why(skip)}`, () => {
  let coll: Collection;
  beforeAll(() => {
    coll = loadNet(["netkit_primary_count", "netkit_peer_count", "xdp_pass"]);
    try {
      createPair();
    } catch (err) {
      cleanup();
      throw err;
    }
  });
  afterAll(() => {
    cleanup();
    coll?.close();
  });

  const counts = (): [bigint, bigint] => [netCount(coll, PRIMARY), netCount(coll, PEER)];

  it("counts what the primary sends on the primary hook, and stops after close", () => {
    const before = counts();
    using link = attachNetkit({ program: coll.programs.netkit_primary_count!, interface: primary, attach: "primary" });
    sendFromPrimary(3);
    expect(counts()).toEqual([before[0] + 3n, before[1]]);
    expect(link.info().type).toBe(LinkType.Netkit);
    link.close();
    sendFromPrimary(2);
    expect(counts()).toEqual([before[0] + 3n, before[1]]);
  });

  it("counts what the peer sends on the peer hook, and stops after close", () => {
    const before = counts();
    using link = attachNetkit({ program: coll.programs.netkit_peer_count!, interface: primary, attach: "peer" });
    sendFromPeer(4);
    expect(counts()).toEqual([before[0], before[1] + 4n]);
    link.close();
    sendFromPeer(2);
    expect(counts()).toEqual([before[0], before[1] + 4n]);
  });

  it("swaps the program of a link (the primary counter on the peer hook, then the peer counter)", () => {
    const before = counts();
    using link = attachNetkit({ program: coll.programs.netkit_primary_count!, interface: primary, attach: "peer", anchor: "head" });
    sendFromPeer(1);
    link.update(coll.programs.netkit_peer_count!);
    sendFromPeer(2);
    expect(counts()).toEqual([before[0] + 1n, before[1] + 2n]);
  });

  it("rejects bad options, a missing interface and programs of other types", () => {
    expect(() => attachNetkit({ program: coll.programs.netkit_peer_count!, interface: primary, attach: "side" as never })).toThrow(ArgumentError);
    expect(() => attachNetkit({ program: coll.programs.netkit_peer_count!, interface: "lknk-none", attach: "peer" })).toThrow(InterfaceNotFoundError);
    expect(() => attachNetkit({ program: coll.programs.xdp_pass!, interface: primary, attach: "peer" })).toThrow(/expected SchedCLS/);
  });
});

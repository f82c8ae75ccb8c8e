// cgroup_skb egress on a cgroup v2 directory the test creates: a perl child moves itself into the
// cgroup and sends UDP datagrams to 127.0.0.1; the program counts them. Through a link (5.7+) and
// through BPF_PROG_ATTACH (the path before 5.7).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError, NotSupportedError } from "../../src/errors.js";
import { AttachType, type Collection } from "../../src/index.js";
import { attachCgroup, LinkType, loadPinnedLink } from "../../src/link/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { ensureLoopbackUp, loadNet, netCount, udpSender } from "./link-fixtures.js";

expectNoFdLeaks();

const TAG = 3;

/** A cgroup2 mount point, mounting one on a temporary directory if the host has none. */
function cgroup2Root(): { root: string; unmount?: () => void } {
  const line = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .find((l) => l.split(" ")[2] === "cgroup2");
  if (line !== undefined) return { root: line.split(" ")[1]! };
  const dir = mkdtempSync(join(tmpdir(), "ebpf-cgroup2-"));
  execFileSync("mount", ["-t", "cgroup2", "none", dir]);
  return {
    root: dir,
    unmount: () => {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let coll: Collection;
let mount: { root: string; unmount?: () => void };
let cgroup: string;
beforeAll(() => {
  coll = loadNet(["cgroup_egress_count", "xdp_pass"]);
  ensureLoopbackUp();
  mount = cgroup2Root();
  cgroup = join(mount.root, `ebpf-link-test-${process.pid}`);
  mkdirSync(cgroup, { recursive: true });
});
afterAll(() => {
  coll?.close();
  if (cgroup) rmdirSync(cgroup);
  mount?.unmount?.();
});

/** Datagrams counted while a child in the cgroup sends `n` of them. */
function sent(n: number): bigint {
  const before = netCount(coll, TAG);
  const script = `open(my $f, ">", "${cgroup}/cgroup.procs") or die; print $f "$$\\n"; close($f) or die; ${udpSender("127.0.0.1", n)}`;
  execFileSync("/usr/bin/perl", ["-e", script], { stdio: "ignore" });
  return netCount(coll, TAG) - before;
}

describe("cgroup link", () => {
  it("counts the cgroup's egress packets and detaches on close", () => {
    const link = attachCgroup({ path: cgroup, attachType: AttachType.AttachCGroupInetEgress, program: coll.programs.cgroup_egress_count! });
    try {
      expect(link.info().type).toBe(LinkType.Cgroup);
      expect(sent(3)).toBe(3n);
      link.update(coll.programs.cgroup_egress_count!);
    } finally {
      link.close();
    }
    expect(sent(2)).toBe(0n);
  });

  it("pins and reopens", () => {
    const fs = mountTempBpffs();
    try {
      const link = attachCgroup({ path: cgroup, attachType: AttachType.AttachCGroupInetEgress, program: coll.programs.cgroup_egress_count! });
      link.pin(`${fs.dir}/cg`);
      link.close();
      expect(sent(1)).toBe(1n);
      using again = loadPinnedLink(`${fs.dir}/cg`);
      expect(again.info().type).toBe(LinkType.Cgroup);
      again.unpin();
      again.close();
      expect(sent(1)).toBe(0n);
    } finally {
      fs.cleanup();
    }
  });

  it("attaches with BPF_PROG_ATTACH (the path before 5.7), updates and detaches", () => {
    const link = attachCgroup({
      path: cgroup,
      attachType: AttachType.AttachCGroupInetEgress,
      program: coll.programs.cgroup_egress_count!,
      mode: "attach",
    });
    try {
      expect(sent(2)).toBe(2n);
      link.update(coll.programs.cgroup_egress_count!);
      expect(sent(1)).toBe(1n);
      expect(() => link.pin("/sys/fs/bpf/never")).toThrow(NotSupportedError);
      expect(() => link.info()).toThrow(NotSupportedError);
    } finally {
      link.close();
    }
    link.close();
    expect(sent(2)).toBe(0n);
  });

  it("rejects a missing path, wrong program type and closed program", () => {
    const base = { path: cgroup, attachType: AttachType.AttachCGroupInetEgress, program: coll.programs.cgroup_egress_count! };
    expect(() => attachCgroup({ ...base, path: `${cgroup}/nope` })).toThrow(/cannot open cgroup/);
    expect(() => attachCgroup({ ...base, path: "/etc/hostname" })).toThrow(/not a directory/);
    expect(() => attachCgroup({ ...base, program: coll.programs.xdp_pass! })).toThrow(/XDP, expected CGroupSKB/);
    expect(() => attachCgroup({ ...base, mode: "other" as never })).toThrow(ArgumentError);
    const c = loadNet(["cgroup_egress_count"]);
    const prog = c.programs.cgroup_egress_count!;
    c.close();
    expect(() => attachCgroup({ ...base, program: prog })).toThrow(ClosedError);
  });
});

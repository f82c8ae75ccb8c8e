// Helpers shared by the link tests: loading bpf/link_trace.o and bpf/link_net.o, a getpgid
// trigger in a child process, and reading the programs' counters back.
//
// Trigger: `perl -e 'syscall(NR, 0) for 1..N'` makes exactly N getpgid(0) calls from a process
// whose pid we know (spawnSync returns it). The programs key their counters by the tgid, so a test
// reads the count of its own child and nothing else running on the machine.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { arch } from "node:process";
import { tracefsRoot } from "../../src/link/tracefs.js";
import { loadAndAssign, loadCollectionSpecFromBuffer, type Collection } from "../../src/index.js";

export const traceObject = new URL("../../bpf/link_trace.o", import.meta.url).pathname;
export const netObject = new URL("../../bpf/link_net.o", import.meta.url).pathname;

/** getpgid's syscall number. */
export const GETPGID_NR = arch === "arm64" ? 155 : 121;
/** The syscall wrapper getpgid goes through, the fentry/kprobe target. */
export const GETPGID_FN = arch === "arm64" ? "__arm64_sys_getpgid" : "__x64_sys_getpgid";

export const Tag = {
  tracepoint: 1,
  rawTp: 2,
  tpBtf: 3,
  fentry: 4,
  fexit: 5,
  kprobe: 6,
  kretprobe: 7,
  kprobeMulti: 8,
  tracepointB: 9,
} as const;

/** Run `times` getpgid(0) calls in a perl child; returns its pid. */
export function triggerGetpgid(times: number): number {
  const r = spawnSync("/usr/bin/perl", ["-e", `syscall(${GETPGID_NR}, 0) for 1..${times}`], { stdio: "ignore" });
  if (r.status !== 0 || r.pid === undefined) throw new Error(`perl trigger failed: ${String(r.error ?? r.status)}`);
  return r.pid;
}

/** Load the named programs of link_trace.o (with its maps); fentry/fexit retargeted per arch. */
export function loadTrace(programs: readonly string[]): Collection {
  const spec = loadCollectionSpecFromBuffer(readFileSync(traceObject));
  for (const name of ["fentry_getpgid", "fentry_getpgid_cookie", "fexit_getpgid"]) {
    spec.programs[name] = { ...spec.programs[name]!, attachTo: GETPGID_FN };
  }
  return loadAndAssign(spec, { maps: ["counts", "cookies"], programs });
}

/** Load the named programs of link_net.o. */
export function loadNet(programs: readonly string[]): Collection {
  return loadAndAssign(loadCollectionSpecFromBuffer(readFileSync(netObject)), { maps: ["counts"], programs });
}

/** The counter of `tag` for process `pid` (and syscall `id` for the system-wide hooks). */
export function traceCount(coll: Collection, tag: number, pid: number, id = 0): bigint {
  const key = new Uint8Array(16);
  const v = new DataView(key.buffer);
  v.setUint32(0, tag, true);
  v.setUint32(4, pid, true);
  v.setBigUint64(8, BigInt(id), true);
  const value = coll.maps.counts!.lookup(key);
  return value === undefined ? 0n : new DataView(value.buffer, value.byteOffset).getBigUint64(0, true);
}

/** The last cookie program `tag` saw. */
export function lastCookie(coll: Collection, tag: number): bigint {
  const value = coll.maps.cookies!.lookup(tag)!;
  return new DataView(value.buffer, value.byteOffset).getBigUint64(0, true);
}

/** A counter of link_net.o. */
export function netCount(coll: Collection, tag: number): bigint {
  const value = coll.maps.counts!.lookup(tag)!;
  return new DataView(value.buffer, value.byteOffset).getBigUint64(0, true);
}

/** Why kprobes cannot run here, or undefined when they can. */
export function kprobesMissing(): string | undefined {
  if (existsSync("/sys/bus/event_source/devices/kprobe")) return undefined;
  if (existsSync(`${tracefsRoot()}/kprobe_events`)) return undefined;
  return "kprobes: CONFIG_KPROBES off (no /sys/bus/event_source/devices/kprobe, no tracefs kprobe_events)";
}

/**
 * A veth pair: `host` in our namespace (no address), `peer` in a namespace of its own with
 * 169.254.77.1/24 and a static neighbour 169.254.77.2 = host's MAC, so `ping(n)` sends exactly n
 * UDP datagrams that arrive on `host`'s ingress without ARP and without touching anything outside
 * the pair (the host has no `ping`; perl sends them).
 */
export interface VethPair {
  readonly ns: string;
  readonly host: string;
  ping(count: number): void;
  cleanup(): void;
}

export function createVethPair(label: string): VethPair {
  const id = `${process.pid % 100000}`;
  const ns = `ebpf-${label}-${id}`;
  const host = `eb${label.slice(0, 3)}${id}`;
  const peer = `${host}p`;
  const ip = (...args: string[]): string => execFileSync("ip", args, { encoding: "utf8" });
  const cleanup = (): void => {
    for (const args of [["link", "del", host], ["netns", "del", ns]]) {
      try {
        execFileSync("ip", args, { stdio: "ignore" });
      } catch {
        // Already gone.
      }
    }
  };
  cleanup();
  try {
    ip("netns", "add", ns);
    ip("link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns);
    ip("link", "set", host, "up");
    ip("-n", ns, "link", "set", peer, "up");
    ip("-n", ns, "addr", "add", "169.254.77.1/24", "dev", peer);
    const mac = readFileSync(`/sys/class/net/${host}/address`, "utf8").trim();
    ip("-n", ns, "neigh", "add", "169.254.77.2", "lladdr", mac, "dev", peer, "nud", "permanent");
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    ns,
    host,
    ping(count: number): void {
      execFileSync("ip", ["netns", "exec", ns, "/usr/bin/perl", "-e", udpSender("169.254.77.2", count)], { stdio: "ignore" });
    },
    cleanup,
  };
}

/** A perl program sending `count` one-byte UDP datagrams to `address` port 9. */
export function udpSender(address: string, count: number): string {
  return `use Socket; socket(S, PF_INET, SOCK_DGRAM, 0) or die; for (1..${count}) { send(S, "x", 0, pack_sockaddr_in(9, inet_aton("${address}"))) or die }`;
}

/** Why veth pairs cannot be made here (no CONFIG_VETH), or undefined when they can. */
export function vethMissing(): string | undefined {
  // A modular veth loads on first use; say so explicitly where module autoloading is off.
  spawnSync("modprobe", ["veth"], { stdio: "ignore" });
  const name = `ebprobe${process.pid % 100000}`;
  const r = spawnSync("ip", ["link", "add", name, "type", "veth", "peer", "name", `${name}p`], { encoding: "utf8" });
  if (r.status !== 0) return `veth: CONFIG_VETH missing (ip link add type veth: ${(r.stderr ?? "").trim()})`;
  spawnSync("ip", ["link", "del", name], { stdio: "ignore" });
  return undefined;
}

/** Bring `lo` up where it is down (bare VM guests), so traffic to 127.0.0.1 flows. */
export function ensureLoopbackUp(): void {
  const flags = Number.parseInt(readFileSync("/sys/class/net/lo/flags", "utf8").trim(), 16);
  if ((flags & 1) === 0) execFileSync("ip", ["link", "set", "lo", "up"]);
}

// The traffic source of examples/rps.ts: a veth pair whose receiving end (in our namespace) has
// RPS enabled on its only queue, and a UDP sender in a namespace of its own on the other end.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { ExampleError } from "../shared/fail.js";

/** Address the sender uses, and the one it sends to (a static neighbour: no ARP). */
const SENDER_ADDR = "169.254.88.1";
const TARGET_ADDR = "169.254.88.2";

/**
 * What a sending loop took: wall-clock time, and the sender's CPU time (user + system, from
 * /proc/self/schedstat), which includes get_rps_cpu() and any probe on it (they run in the
 * sender's context) but not the time other processes held its CPU.
 *
 * @example
 * ```ts
 * const { cpuNs } = veth.send(1000, 8);
 * ```
 */
export interface SendTimes {
  readonly wallNs: number;
  readonly cpuNs: number;
}

/**
 * A veth pair with RPS on `dev`'s rx-0 queue and a sender on the other side.
 *
 * @example
 * ```ts
 * const veth = createRpsVeth("tsr");
 * try { console.log(veth.send(1000, 8)); } finally { veth.cleanup(); }
 * ```
 */
export interface RpsVeth {
  /** The namespace of the sending end. */
  readonly ns: string;
  /** The receiving end, in our namespace. */
  readonly dev: string;
  readonly ifindex: number;
  /** What was written to `rps_cpus`: every CPU. */
  readonly rpsCpus: string;
  /** Send `packets` one-byte UDP datagrams over `flows` source ports; what the loop took. */
  send(packets: number, flows: number): SendTimes;
  cleanup(): void;
}

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) throw new ExampleError(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new ExampleError(`${cmd} ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
  return r.stdout;
}

/** Turn IPv6 off on a device so it sends no router or multicast chatter of its own. */
function quietIPv6(ns: string | undefined, dev: string): void {
  const path = `/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`;
  if (ns === undefined) {
    if (existsSync(path)) writeFileSync(path, "1");
  } else {
    spawnSync("ip", ["netns", "exec", ns, "sh", "-c", `[ -e ${path} ] && echo 1 > ${path}`], { stdio: "ignore" });
  }
}

/**
 * Create the pair, named after `prefix` and our pid so concurrent runs do not collide.
 *
 * @example
 * ```ts
 * const veth = createRpsVeth("tsr");
 * veth.cleanup();
 * ```
 */
export function createRpsVeth(prefix: string): RpsVeth {
  const id = `${process.pid % 10_000_000}`;
  const ns = `${prefix}-rps-${id}`;
  const dev = `${prefix}${id}`;
  const peer = `${dev}p`;
  const cleanup = (): void => {
    spawnSync("ip", ["link", "del", dev], { stdio: "ignore" });
    spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  };
  cleanup();
  spawnSync("modprobe", ["veth"], { stdio: "ignore" });
  const cpus = Math.min(availableParallelism(), 32);
  const rpsCpus = (2 ** cpus - 1).toString(16);
  try {
    run("ip", ["netns", "add", ns]);
    const made = spawnSync("ip", ["link", "add", dev, "type", "veth", "peer", "name", peer, "netns", ns], { encoding: "utf8" });
    if (made.status !== 0) throw new ExampleError(`cannot create a veth pair (is CONFIG_VETH set?): ${made.stderr.trim()}`);
    quietIPv6(undefined, dev);
    quietIPv6(ns, peer);
    const queue = `/sys/class/net/${dev}/queues/rx-0/rps_cpus`;
    if (!existsSync(queue)) throw new ExampleError(`${queue} is missing: this kernel has no RPS (CONFIG_RPS)`);
    writeFileSync(queue, rpsCpus);
    run("ip", ["link", "set", dev, "up"]);
    run("ip", ["-n", ns, "link", "set", peer, "up"]);
    run("ip", ["-n", ns, "addr", "add", `${SENDER_ADDR}/24`, "dev", peer]);
    const mac = readFileSync(`/sys/class/net/${dev}/address`, "utf8").trim();
    run("ip", ["-n", ns, "neigh", "add", TARGET_ADDR, "lladdr", mac, "dev", peer, "nud", "permanent"]);
  } catch (err) {
    cleanup();
    throw err;
  }
  const ifindex = Number(readFileSync(`/sys/class/net/${dev}/ifindex`, "utf8"));
  return {
    ns,
    dev,
    ifindex,
    rpsCpus,
    send(packets: number, flows: number): SendTimes {
      const out = execFileSync("ip", ["netns", "exec", ns, "perl", "-e", sender(packets, flows)], { encoding: "utf8" });
      const [wallNs, cpuNs] = out.trim().split(" ").map(Number);
      return { wallNs: wallNs!, cpuNs: cpuNs! };
    },
    cleanup,
  };
}

/**
 * A perl program sending `packets` datagrams to TARGET_ADDR:9, round-robin over `flows` sockets
 * (each its own source port, so its own flow hash and RPS target), and printing the wall-clock
 * and CPU nanoseconds of the sending loop.
 */
function sender(packets: number, flows: number): string {
  return `use Socket; use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);
sub cpu { open(my $f, "<", "/proc/self/schedstat") or return 0; my @f = split " ", scalar <$f>; return $f[0] }
my @s; my $to = pack_sockaddr_in(9, inet_aton("${TARGET_ADDR}"));
for my $i (0..${flows - 1}) { socket(my $s, PF_INET, SOCK_DGRAM, 0) or die "socket: $!"; connect($s, $to) or die "connect: $!"; push @s, $s }
my $c = cpu(); my $t = clock_gettime(CLOCK_MONOTONIC);
for my $i (0..${packets - 1}) { send($s[$i % ${flows}], "x", 0) or die "send: $!" }
printf "%d %d\\n", (clock_gettime(CLOCK_MONOTONIC) - $t) * 1e9, cpu() - $c;`;
}

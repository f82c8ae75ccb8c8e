// The producer of examples/getaddrinfo.ts and its bench: a perl child calling libc's getaddrinfo
// (through Socket::getaddrinfo) in a loop. It starts paused, so the probes can be attached to its
// pid first, and reports how long the loop took and how much CPU it used (kernel side included:
// the uprobes and the BPF programs run in the child's context).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { ExampleError } from "../shared/fail.js";

/** A host to look up; `numericOnly` sets AI_NUMERICHOST, which fails fast for a name. */
export interface Host {
  readonly name: string;
  readonly numericOnly?: boolean;
}

/** What the loop measured about itself. */
export interface LookupTimes {
  /** Wall-clock time of the loop. */
  readonly wallNs: number;
  /** CPU time (user + system) of the loop, from /proc/self/schedstat. */
  readonly cpuNs: number;
}

/**
 * A paused child ready to call getaddrinfo.
 *
 * @example
 * ```ts
 * const child = await spawnLookups(100, [{ name: "127.0.0.1" }]);
 * const { wallNs } = await child.start();
 * ```
 */
export interface LookupChild {
  readonly pid: number;
  /** Run the loop; resolves when the child has exited. */
  start(): Promise<LookupTimes>;
  kill(): void;
}

function script(count: number, hosts: readonly Host[]): string {
  const list = hosts.map((h) => `[${JSON.stringify(h.name)}, ${h.numericOnly ? "AI_NUMERICHOST" : "0"}]`).join(", ");
  return `use Socket qw(getaddrinfo AI_NUMERICHOST); use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);
$| = 1;
sub cpu { open(my $f, "<", "/proc/self/schedstat") or return 0; my @f = split " ", scalar <$f>; return $f[0] }
my @hosts = (${list});
print "ready\\n";
<STDIN>;
my $c0 = cpu(); my $t0 = clock_gettime(CLOCK_MONOTONIC);
for my $i (0..${count - 1}) { my $h = $hosts[$i % @hosts]; getaddrinfo($h->[0], undef, { flags => $h->[1] }) }
my $t1 = clock_gettime(CLOCK_MONOTONIC); my $c1 = cpu();
printf "%d %d\\n", ($t1 - $t0) * 1e9, $c1 - $c0;`;
}

/**
 * Spawn the child: `count` lookups cycling through `hosts`, after `start()`.
 *
 * @example
 * ```ts
 * const child = await spawnLookups(3, [{ name: "localhost" }]);
 * ```
 */
export async function spawnLookups(count: number, hosts: readonly Host[]): Promise<LookupChild> {
  const child: ChildProcessWithoutNullStreams = spawn("perl", ["-e", script(count, hosts)], { stdio: "pipe" });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", (e) => reject(new ExampleError(`cannot run perl: ${e.message}`)));
    child.once("close", resolve);
  });
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (out.startsWith("ready\n")) resolve();
    };
    child.stdout.on("data", check);
    exited.then(() => reject(new ExampleError(`the perl lookup loop ended early: ${err.trim() || "no output"}`)), reject);
  });
  return {
    pid: child.pid!,
    async start(): Promise<LookupTimes> {
      child.stdin.end("\n");
      const status = await exited;
      const line = out.split("\n").at(-2) ?? "";
      const [wallNs, cpuNs] = line.split(" ").map(Number);
      if (status !== 0 || wallNs === undefined || cpuNs === undefined || Number.isNaN(wallNs)) {
        throw new ExampleError(`the perl lookup loop failed (status ${status}): ${err.trim() || line}`);
      }
      return { wallNs, cpuNs };
    },
    kill: () => child.kill(),
  };
}

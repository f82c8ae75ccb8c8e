// XDP FizzBuzzFibonacci, runnable as `npm run demo` (as root). It makes a network namespace and a
// veth pair of its own, attaches bpf/xdp_fizzbuzz.o to our end of the pair, sends one UDP datagram
// from each of a handful of source addresses inside the namespace, and prints the messages the
// program queued: `10.77.0.3 -> Fibonacci`. Everything it made is removed on exit, on Ctrl-C and
// on error.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { loadCollectionSpec, newCollection, NotSupportedError, PermissionError, type Collection } from "ebpf";
import { attachXDP, type Link } from "ebpf/link";

const usage = `Usage: npm run demo -- [--watch] [LAST_BYTE ...]

Creates a network namespace and a veth pair, attaches the XDP program of bpf/xdp_fizzbuzz.o to
the host end, sends one UDP datagram from 10.77.0.<LAST_BYTE> for each LAST_BYTE (1-253; default
3 7 9 10 30 89) inside the namespace, and prints the message the program queued for each source
address: Fibonacci when the last byte is a Fibonacci number, else FizzBuzz / Fizz / Buzz when 15 /
3 / 5 divide it, else nothing. Removes everything it created when done, on Ctrl-C and on error.

  --watch   keep the program attached and print further messages until Ctrl-C
  --help    print this text

Needs root (or CAP_BPF + CAP_NET_ADMIN), iproute2's ip, and a kernel with veth and queue maps (4.20+).`;

const KINDS = ["", "Fizz", "Buzz", "FizzBuzz", "Fibonacci"];
/** Slots of the per-CPU `counters` array (bpf/xdp_fizzbuzz.c): XDP actions, then what was parsed. */
const Slot = { drop: 1, pass: 2, ipv4: 5, other: 6 } as const;
const SUBNET = "10.77.0";
/** The address the datagrams go to: a static neighbour resolving to our end of the pair. */
const DESTINATION = `${SUBNET}.254`;

/** One queued message: the source address and what its last byte is. */
function decode(message: Uint8Array): string {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const kind = KINDS[view.getUint32(4, true)] ?? `kind ${view.getUint32(4, true)}`;
  return `${[...message.subarray(0, 4)].join(".")} -> ${kind}`;
}

/** A counter summed over every CPU. */
function total(coll: Collection, slot: number): bigint {
  return coll.maps.counters!.lookupPerCPU(slot)!.reduce((sum, v) => sum + new DataView(v.buffer, v.byteOffset).getBigUint64(0, true), 0n);
}

/** Runs `ip`, turning its failure into an error that carries its own message. */
function ip(...args: string[]): void {
  try {
    execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error("the ip command from iproute2 is not installed");
    throw new Error(`ip ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The namespace and veth pair of this run; `remove()` deletes whatever of them exists. */
class DemoNetwork {
  readonly ns = `xsfb${process.pid}`;
  readonly host = `xsfb${process.pid % 100000}`;
  readonly peer = `${this.host}p`;

  create(sources: readonly string[]): void {
    ip("netns", "add", this.ns);
    try {
      ip("link", "add", this.host, "type", "veth", "peer", "name", this.peer, "netns", this.ns);
    } catch (err) {
      throw new Error(`could not create a veth pair (does the kernel have CONFIG_VETH?): ${(err as Error).message}`);
    }
    ip("link", "set", this.host, "up");
    ip("-n", this.ns, "link", "set", this.peer, "up");
    for (const source of sources) ip("-n", this.ns, "addr", "add", `${source}/24`, "dev", this.peer);
    // A permanent neighbour entry: the datagrams leave without ARP, and our end needs no address.
    const mac = readFileSync(`/sys/class/net/${this.host}/address`, "utf8").trim();
    ip("-n", this.ns, "neigh", "add", DESTINATION, "lladdr", mac, "dev", this.peer, "nud", "permanent");
  }

  /** Send one datagram from each source, in order, from a node process inside the namespace. */
  async send(sources: readonly string[]): Promise<void> {
    const script = `const dgram = require("node:dgram");
(async () => {
  for (const address of process.argv.slice(2)) {
    const s = dgram.createSocket("udp4");
    await new Promise((ok) => s.bind({ address, port: 0 }, ok));
    await new Promise((ok, fail) => s.send("fizzbuzz", 9, process.argv[1], (e) => (e ? fail(e) : ok())));
    s.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });`;
    const child = spawn("ip", ["netns", "exec", this.ns, process.execPath, "-e", script, DESTINATION, ...sources], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((ok, fail) => child.on("error", fail).on("close", (c: number | null) => ok(c)));
    if (code !== 0) throw new Error(`sending from the namespace failed: ${stderr.trim() || `exit ${code}`}`);
  }

  remove(): void {
    for (const args of [["link", "del", this.host], ["netns", "del", this.ns]]) {
      try {
        execFileSync("ip", args, { stdio: "ignore" });
      } catch {
        // Not created, or already gone with its pair.
      }
    }
  }
}

/** The one sentence printed when the demo cannot run. */
function explain(err: unknown): string {
  // The collection loader wraps kernel errors with the map or program they concern.
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof PermissionError || e instanceof NotSupportedError) err = e;
  }
  if (err instanceof PermissionError) {
    return `xdp-fizzbuzz needs root (or CAP_BPF + CAP_NET_ADMIN): the kernel refused ${err.command} with EPERM.`;
  }
  if (err instanceof NotSupportedError) return `xdp-fizzbuzz cannot run on this kernel: ${err.message}.`;
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.replace(/\.$/, "");
  return `xdp-fizzbuzz failed: ${first}.`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { help: { type: "boolean" }, watch: { type: "boolean" } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const lastBytes = positionals.length > 0 ? positionals.map(Number) : [3, 7, 9, 10, 30, 89];
  const bad = positionals.find((_, i) => !Number.isInteger(lastBytes[i]) || lastBytes[i]! < 1 || lastBytes[i]! > 253);
  if (bad !== undefined) {
    console.error(`xdp-fizzbuzz: ${JSON.stringify(bad)} is not a last byte between 1 and 253 (see --help).`);
    process.exitCode = 2;
    return;
  }
  const sources = [...new Set(lastBytes)].map((b) => `${SUBNET}.${b}`);

  // Ctrl-C (or SIGTERM) aborts the waits below; the finally block then removes everything.
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);

  const net = new DemoNetwork();
  let coll: Collection | undefined;
  let link: Link | undefined;
  try {
    const spec = await loadCollectionSpec(new URL("../bpf/xdp_fizzbuzz.o", import.meta.url).pathname);
    coll = newCollection(spec);
    net.create(sources);
    link = attachXDP({ program: coll.programs.xdp_fizzbuzz!, interface: net.host });
    console.log(`attached xdp_fizzbuzz to ${net.host}, whose peer is in namespace ${net.ns}`);
    console.log(`sending one UDP datagram from each of ${sources.join(", ")}`);

    const ipv4Before = total(coll, Slot.ipv4);
    await net.send(sources);
    // The program counts a packet after queueing its message: once every datagram is counted,
    // every message is in the queue.
    for (let waited = 0; total(coll, Slot.ipv4) - ipv4Before < sources.length; waited += 10) {
      if (waited >= 10_000) throw new Error(`only ${total(coll, Slot.ipv4) - ipv4Before} of ${sources.length} datagrams reached ${net.host}`);
      await sleep(10, undefined, { signal: interrupted.signal });
    }
    const printed = new Set<string>();
    for (let m = coll.maps.messages!.pop(); m !== undefined; m = coll.maps.messages!.pop()) {
      const line = decode(m);
      printed.add(line.split(" ")[0]!);
      console.log(line);
    }
    const silent = sources.filter((s) => !printed.has(s));
    if (silent.length > 0) console.log(`no message for ${silent.join(", ")}: neither Fibonacci nor a multiple of 3 or 5`);
    console.log(
      `packets seen: ${total(coll, Slot.ipv4)} IPv4, ${total(coll, Slot.other)} not IPv4; passed ${total(coll, Slot.pass)}, dropped ${total(coll, Slot.drop)}`,
    );

    if (values.watch) {
      console.log(`watching for more messages until Ctrl-C (traffic from namespace ${net.ns} to ${DESTINATION} shows up here)`);
      while (!interrupted.signal.aborted) {
        for (let m = coll.maps.messages!.pop(); m !== undefined; m = coll.maps.messages!.pop()) console.log(decode(m));
        await sleep(100, undefined, { signal: interrupted.signal }).catch(() => undefined);
      }
    }
  } catch (err) {
    if (!interrupted.signal.aborted) throw err;
  } finally {
    link?.close();
    net.remove();
    coll?.close();
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  if (interrupted.signal.aborted) {
    console.log(`interrupted: removed namespace ${net.ns} and veth ${net.host}`);
    process.exitCode = 130;
  } else {
    console.log(`removed namespace ${net.ns} and veth ${net.host}`);
  }
}

main().catch((err: unknown) => {
  console.error(explain(err));
  process.exitCode = 1;
});

// Story: who resolves what, and how long does it take? Traces libc's getaddrinfo with a uprobe on
// entry and a uretprobe on return and prints each lookup (pid, comm, result, latency, host),
// delivered by the channel of your choice: a perf buffer from the BPF stack, a perf buffer from a
// per-CPU heap (a 1064-byte event), or a ring buffer. `examples/getaddrinfo-bench.ts` compares
// what the three cost. Runnable as `npm run example:getaddrinfo -- --help` (as root).
import { parseArgs } from "node:util";
import { CHANNELS, decodeLookup, openTracer, resultName, type Channel, type Lookup } from "./getaddrinfo/events.js";
import { ExampleError } from "./shared/fail.js";
import { spawnLookups, type LookupChild } from "./getaddrinfo/lookups.js";

const HELP = `Usage: getaddrinfo [--channel ringbuf|perf-stack|perf-heap] [--pid PID] [--count N] [--lookups N]

Prints every call of libc's getaddrinfo() on this machine as it returns: pid, command, result,
latency and the host asked for. Needs root (CAP_BPF + CAP_PERFMON), uprobes, and Linux 5.8+ for
the ring buffer. Detaches everything on exit or Ctrl-C.

  --channel C   ringbuf (default): bpf_ringbuf_reserve/submit of a 1064-byte event
                perf-stack: bpf_perf_event_output of a 168-byte event built on the BPF stack
                perf-heap: bpf_perf_event_output of a 1064-byte event built in a per-CPU array
  --pid PID     only this process
  --count N     exit after N lookups
  --lookups N   make N lookups from a child process (localhost, 127.0.0.1, and a name with
                AI_NUMERICHOST, which fails), trace only those, and exit
  --help        this text`;

/** What --lookups asks for, in turn: two that succeed and one that fails with EAI_NONAME. */
const DEMO_HOSTS = [{ name: "localhost" }, { name: "127.0.0.1" }, { name: "example.invalid", numericOnly: true }];

interface Options {
  channel: Exclude<Channel, "none">;
  pid: number | undefined;
  count: number | undefined;
  lookups: number | undefined;
}

function options(): Options | undefined {
  const { values } = parseArgs({
    options: {
      channel: { type: "string", default: "ringbuf" },
      pid: { type: "string" },
      count: { type: "string" },
      lookups: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return undefined;
  const positive = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 31) throw new ExampleError(`--${name} must be a positive integer`);
    return n;
  };
  const channel = values.channel as Exclude<Channel, "none">;
  if (!CHANNELS.includes(channel)) throw new ExampleError(`--channel must be one of ${CHANNELS.join(", ")}`);
  const lookups = positive("lookups", values.lookups);
  if (lookups !== undefined && values.pid !== undefined) throw new ExampleError("--lookups traces its own child: leave out --pid");
  return { channel, pid: positive("pid", values.pid), count: positive("count", values.count) ?? lookups, lookups };
}

function line(e: Lookup): string {
  const latency = `${(Number(e.latencyNs) / 1000).toFixed(1)} us`;
  return `${String(e.pid).padEnd(8)}${e.comm.padEnd(17)}${resultName(e.ret).padEnd(13)}${latency.padStart(11)}  ${e.host}`;
}

async function main(): Promise<number> {
  const opts = options();
  if (opts === undefined) {
    console.log(HELP);
    return 0;
  }
  if (process.getuid?.() !== 0) throw new ExampleError("run as root: uprobes and BPF programs need CAP_BPF and CAP_PERFMON");
  using tracer = await openTracer();
  let child: LookupChild | undefined;
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  try {
    if (opts.lookups !== undefined) child = await spawnLookups(opts.lookups, DEMO_HOSTS);
    const pid = child?.pid ?? opts.pid;
    const source = tracer.attach(opts.channel, pid)!;
    console.log(`Tracing getaddrinfo in ${tracer.libc} through ${opts.channel} (${pid === undefined ? "every process" : `pid ${pid}`}); Ctrl-C to stop.`);
    console.log(`${"PID".padEnd(8)}${"COMM".padEnd(17)}${"RESULT".padEnd(13)}${"LATENCY".padStart(11)}  HOST`);
    let seen = 0;
    const done = child?.start().then(
      // The last events may still be on their way: give them a moment, then give up.
      () => setTimeout(() => stop.abort(), 2000),
      (err: unknown) => {
        stop.abort(err);
      },
    );
    const print = (data: Uint8Array, offset: number, length: number): void => {
      if (opts.count !== undefined && seen >= opts.count) return;
      seen++;
      console.log(line(decodeLookup(data.subarray(offset, offset + length))));
    };
    while (!stop.signal.aborted && (opts.count === undefined || seen < opts.count)) {
      try {
        await source.wait({ signal: stop.signal });
      } catch {
        break;
      }
      source.consumeRaw(print);
    }
    // What arrived after the last wake-up.
    source.consumeRaw(print);
    stop.abort();
    await done;
    if (stop.signal.reason instanceof ExampleError) throw stop.signal.reason;
    const lost = source.lost + Number(tracer.drops(opts.channel));
    if (lost > 0) console.log(`${lost} events lost (buffer full)`);
    if (opts.lookups !== undefined && seen < opts.lookups) throw new ExampleError(`only ${seen} of ${opts.lookups} lookups were reported`);
    return 0;
  } finally {
    child?.kill();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (!(err instanceof ExampleError)) throw err;
    console.error(`getaddrinfo: ${err.message}.`);
    process.exit(1);
  },
);

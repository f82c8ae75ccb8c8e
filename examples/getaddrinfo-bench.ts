// Story, part two: what does each channel cost? A perl child calls getaddrinfo in a tight loop
// while bpf/getaddrinfo_channels.o reports every call through one channel at a time: perf buffer
// from the stack, perf buffer from a per-CPU heap, ring buffer (reserve/submit). For each, the
// events per second delivered, the child's CPU time per lookup (uprobes and BPF programs run in
// its context, so the kernel side shows there) and this process's CPU time per event (the
// consumer side), beside runs with no probes and with probes that emit nothing. Runnable as
// `npm run example:getaddrinfo-bench -- --help` (as root).
import { parseArgs } from "node:util";
import { CHANNELS, EVENT_SIZE, openTracer, type Channel, type EventSource } from "./getaddrinfo/events.js";
import { countOption, ExampleError } from "./shared/fail.js";
import { spawnLookups } from "./getaddrinfo/lookups.js";

const HELP = `Usage: getaddrinfo-bench [--lookups N] [--rounds N] [--host NAME] [--perf-wakeup N]

Runs a storm of getaddrinfo() calls in a child process once with no probes, once with probes that
emit nothing, and once per channel (perf-stack, perf-heap, ringbuf), for several rounds in turn,
and prints the medians: lookups/s, events/s, events lost, the mean getaddrinfo latency the events
report, the child's CPU time per lookup, what a
channel adds to it over the probes alone (kernel side), and this process's CPU time per event
(consumer side). Needs root, uprobes and Linux 5.8+. Figures depend on the machine's load.

  --lookups N   getaddrinfo calls per run (default 20000)
  --rounds N    rounds (default 3)
  --host NAME   what to look up (default 127.0.0.1: numeric, so libc's own work is small)
  --perf-wakeup N  wake the perf reader every N samples (default 1: every sample, as the ring
                buffer's reader is woken whenever it has caught up)
  --help        this text`;

type Config = "no probes" | Channel;
const CONFIGS: readonly Config[] = ["no probes", "none", ...CHANNELS];
const label = (c: Config): string => (c === "none" ? "probes only" : c);

interface Run {
  lookupsPerSec: number;
  eventsPerSec: number;
  lost: number;
  latencyNs: number;
  childCpuNs: number;
  consumerCpuNs: number;
}

function options(): { lookups: number; rounds: number; host: string; perfWakeup: number } | undefined {
  const { values } = parseArgs({
    options: {
      lookups: { type: "string", default: "20000" },
      rounds: { type: "string", default: "3" },
      host: { type: "string", default: "127.0.0.1" },
      "perf-wakeup": { type: "string", default: "1" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return undefined;
  return {
    lookups: countOption("lookups", values.lookups, 10_000_000),
    rounds: countOption("rounds", values.rounds, 100),
    host: values.host,
    perfWakeup: countOption("perf-wakeup", values["perf-wakeup"], 4096),
  };
}

/** Read events until `expected` arrived or `signal` fires: how many, and their mean latency. */
async function consume(source: EventSource, expected: number, signal: AbortSignal): Promise<{ events: number; latencyNs: number }> {
  let events = 0;
  let latencySum = 0;
  // The consumer's work per event: count it and add up its latency_ns (the low 32 bits are
  // enough for a lookup, and reading them allocates nothing).
  const onEvent = (data: Uint8Array, offset: number): void => {
    events++;
    latencySum += (data[offset + 16]! | (data[offset + 17]! << 8) | (data[offset + 18]! << 16)) + data[offset + 19]! * 2 ** 24;
  };
  while (events < expected) {
    try {
      await source.wait({ signal });
    } catch {
      break;
    }
    source.consumeRaw(onEvent);
  }
  source.consumeRaw(onEvent);
  return { events, latencyNs: events === 0 ? 0 : latencySum / events };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<number> {
  const opts = options();
  if (opts === undefined) {
    console.log(HELP);
    return 0;
  }
  if (process.getuid?.() !== 0) throw new ExampleError("run as root: uprobes and BPF programs need CAP_BPF and CAP_PERFMON");
  using tracer = await openTracer(opts.perfWakeup);
  const runs = new Map<Config, Run[]>(CONFIGS.map((c) => [c, []]));
  console.log(
    `${opts.lookups} getaddrinfo("${opts.host}") calls per run, ${opts.rounds} rounds, probes on ${tracer.libc}; ` +
      `1 MiB of buffer per channel; perf reader woken every ${opts.perfWakeup} sample(s)`,
  );
  for (let round = 0; round < opts.rounds; round++) {
    for (const config of CONFIGS) {
      const child = await spawnLookups(opts.lookups, [{ name: opts.host }]);
      try {
        const source = config === "no probes" ? undefined : tracer.attach(config, child.pid);
        const dropsBefore = config === "no probes" || config === "none" ? 0n : tracer.drops(config);
        const stop = new AbortController();
        const cpuBefore = process.cpuUsage();
        const consumed = source === undefined ? Promise.resolve({ events: 0, latencyNs: 0 }) : consume(source, opts.lookups, stop.signal);
        const times = await child.start();
        // Events still in flight get a moment to arrive.
        const timer = setTimeout(() => stop.abort(), 1000);
        const { events, latencyNs } = await consumed;
        clearTimeout(timer);
        const cpu = process.cpuUsage(cpuBefore);
        const dropped = config === "no probes" || config === "none" ? 0 : Number(tracer.drops(config) - dropsBefore);
        runs.get(config)!.push({
          lookupsPerSec: opts.lookups / (times.wallNs / 1e9),
          eventsPerSec: events / (times.wallNs / 1e9),
          lost: (source?.lost ?? 0) + dropped,
          latencyNs,
          childCpuNs: times.cpuNs / opts.lookups,
          consumerCpuNs: events === 0 ? 0 : ((cpu.user + cpu.system) * 1000) / events,
        });
      } finally {
        tracer.detach();
        child.kill();
      }
    }
  }
  const m = (c: Config, f: (r: Run) => number): number => median(runs.get(c)!.map(f));
  const probesOnly = m("none", (r) => r.childCpuNs);
  console.log(`\nmedians of ${opts.rounds} rounds; CPU times in microseconds`);
  console.log("channel       event B  lookups/s   events/s  lost  latency  child CPU/lookup  channel's kernel CPU/event  consumer CPU/event");
  for (const c of CONFIGS) {
    const emits = c !== "no probes" && c !== "none";
    const child = m(c, (r) => r.childCpuNs);
    const cols = [
      label(c).padEnd(12),
      (emits ? String(EVENT_SIZE[c]) : "-").padStart(8),
      m(c, (r) => r.lookupsPerSec).toFixed(0).padStart(10),
      (emits ? m(c, (r) => r.eventsPerSec).toFixed(0) : "-").padStart(10),
      (emits ? String(m(c, (r) => r.lost)) : "-").padStart(5),
      (emits ? (m(c, (r) => r.latencyNs) / 1000).toFixed(2) : "-").padStart(8),
      (child / 1000).toFixed(2).padStart(17),
      (emits ? ((child - probesOnly) / 1000).toFixed(2) : "-").padStart(27),
      (emits ? (m(c, (r) => r.consumerCpuNs) / 1000).toFixed(2) : "-").padStart(19),
    ];
    console.log(cols.join(" "));
  }
  console.log(`\n${conclusion(m, opts.lookups)}`);
  return 0;
}

/**
 * What the numbers say about the article's claim that the ring buffer is cheaper than the perf
 * buffer: the ring buffer against the perf buffer carrying the same 1064-byte event, on each
 * side, out of `lookups` per run. Differences under 10% are called noise on a shared machine.
 */
function conclusion(m: (c: Config, f: (r: Run) => number) => number, lookups: number): string {
  const probesOnly = m("none", (r) => r.childCpuNs);
  const kernel = (c: Config): number => m(c, (r) => r.childCpuNs) - probesOnly;
  const consumer = (c: Config): number => m(c, (r) => r.consumerCpuNs);
  const verdicts: string[] = [];
  const compare = (side: string, ring: number, perf: number): string => {
    const us = (ns: number): string => (ns / 1000).toFixed(2);
    if (perf <= 0) {
      verdicts.push("noise");
      return `${side}: ringbuf ${us(ring)} vs perf-heap ${us(perf)} us per event, below what this machine can measure`;
    }
    if (ring <= 0) {
      verdicts.push("cheaper");
      return `${side}: ringbuf ${us(ring)} vs perf-heap ${us(perf)} us per event: cheaper (the ring buffer's cost is below what this machine can measure)`;
    }
    const ratio = ring / perf;
    const verdict = ratio < 0.9 ? "cheaper" : ratio > 1.1 ? "dearer" : "no different";
    verdicts.push(verdict);
    return `${side}: ringbuf ${us(ring)} vs perf-heap ${us(perf)} us per event (${ratio.toFixed(2)}x): ${verdict}`;
  };
  const lines = [
    "Ring buffer vs perf buffer with the same 1064-byte event:",
    `  ${compare("kernel side (what the channel adds to the traced process)", kernel("ringbuf"), kernel("perf-heap"))}`,
    `  ${compare("consumer side (this process)", consumer("ringbuf"), consumer("perf-heap"))}`,
  ];
  const lossPct = (c: Config): number => (100 * m(c, (r) => r.lost)) / lookups;
  const ringLoss = lossPct("ringbuf");
  const heapLoss = lossPct("perf-heap");
  if (ringLoss > 1 || heapLoss > 1) {
    lines.push(
      `  caveat: ringbuf lost ${ringLoss.toFixed(1)}% and perf-heap ${heapLoss.toFixed(1)}% of the events (the consumer fell behind); ` +
        "a lost event costs the kernel less than a delivered one, so the kernel side flatters the channel that lost more.",
    );
  }
  const [k, c] = verdicts;
  if (k === "cheaper" && c === "cheaper") lines.push("These numbers support the claim that the ring buffer is cheaper.");
  else if (k === "dearer" && c === "dearer") lines.push("These numbers refute the claim that the ring buffer is cheaper.");
  else lines.push(`These numbers support the claim only in part (kernel side ${k}, consumer side ${c}).`);
  return lines.join("\n");
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (!(err instanceof ExampleError)) throw err;
    console.error(`getaddrinfo-bench: ${err.message}.`);
    process.exit(1);
  },
);

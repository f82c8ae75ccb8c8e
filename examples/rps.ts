// Story: which CPU does Receive Packet Steering pick? Counts get_rps_cpu() decisions on a veth
// with RPS enabled, in a hash keyed by {ifindex, NUMA node, current CPU, target CPU}, two ways —
// fexit, and kprobe + kretprobe — and prints both tables and what each way costs per packet.
// Runnable as `npm run example:rps -- --help` (as root; fexit and kprobes run in the VM suite).
import { parseArgs } from "node:util";
import { Kind, loadKernelSpec, type Spec } from "ebpf/btf";
import { removeMemlock } from "ebpf/features";
import { countOption, ExampleError } from "./shared/fail.js";
import { fexitTracer, kprobeTracer, type Decision, type Tracer } from "./rps/tracers.js";
import { createRpsVeth, type RpsVeth, type SendTimes } from "./rps/veth.js";

const HELP = `Usage: rps [--packets N] [--rounds N] [--flows N] [--method both|fexit|kprobe]

Creates a veth pair (one end in a network namespace of its own), enables RPS on the receiving
end's queue for every CPU, sends UDP datagrams across it and counts the decisions of the kernel's
get_rps_cpu() by {ifindex, NUMA node, current CPU, target CPU}: with an fexit program, and with a
kprobe/kretprobe pair. Each round sends the datagrams three times (nothing attached, fexit,
kprobe), each after an untimed warm-up of up to 500, and the best round's CPU time per packet of
the sender gives each method's overhead. Needs root, RPS, veth, BTF,
and fexit (Linux 5.5+) or kprobes. Cleans up the veth and namespace on exit.

  --packets N   datagrams per run (default 20000)
  --rounds N    rounds of the three runs (default 5)
  --flows N     UDP source ports used round-robin (default 8)
  --method M    both (default), fexit or kprobe
  --help        this text`;

interface Options {
  packets: number;
  rounds: number;
  flows: number;
  methods: ("fexit" | "kprobe")[];
}

function options(): Options | undefined {
  const { values } = parseArgs({
    options: {
      packets: { type: "string", default: "20000" },
      rounds: { type: "string", default: "5" },
      flows: { type: "string", default: "8" },
      method: { type: "string", default: "both" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return undefined;
  const method = values.method;
  if (method !== "both" && method !== "fexit" && method !== "kprobe") throw new ExampleError("--method must be both, fexit or kprobe");
  return {
    packets: countOption("packets", values.packets, 10_000_000),
    rounds: countOption("rounds", values.rounds, 100),
    flows: countOption("flows", values.flows, 1024),
    methods: method === "both" ? ["fexit", "kprobe"] : [method],
  };
}

/** The kernel's BTF, which must describe get_rps_cpu() for fexit to attach and for us to trust kprobes on it. */
function kernelTypes(): Spec {
  let spec: Spec;
  try {
    spec = loadKernelSpec();
  } catch (err) {
    throw new ExampleError(`cannot read the kernel's BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF): ${(err as Error).message}`);
  }
  if (!spec.anyTypesByName("get_rps_cpu").some((t) => t.kind === Kind.Func)) {
    throw new ExampleError("this kernel's BTF has no get_rps_cpu(): RPS is compiled out (CONFIG_RPS) or the function was inlined");
  }
  return spec;
}

function printTable(tracer: Tracer): void {
  const rows = [...tracer.decisions.values()].sort((a, b) => a.cpu - b.cpu || a.targetCpu - b.targetCpu || a.numaNode - b.numaNode);
  const total = rows.reduce((sum, r: Decision) => sum + r.packets, 0n);
  console.log(`\n${tracer.name}: ${total} decisions`);
  console.log("  ifindex  numa  cpu  target cpu   packets");
  for (const r of rows) {
    console.log(`  ${String(r.ifindex).padStart(7)}  ${String(r.numaNode).padStart(4)}  ${String(r.cpu).padStart(3)}  ${String(r.targetCpu).padStart(10)}  ${String(r.packets).padStart(8)}`);
  }
}

async function main(): Promise<number> {
  const opts = options();
  if (opts === undefined) {
    console.log(HELP);
    return 0;
  }
  if (process.getuid?.() !== 0) throw new ExampleError("run as root: the example creates network namespaces and loads BPF programs");
  // Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK.
  removeMemlock();
  const btf = kernelTypes();
  let veth: RpsVeth | undefined;
  const cleanup = (): void => veth?.cleanup();
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    veth = createRpsVeth("tsr");
    const tracers: Tracer[] = opts.methods.map((m) => (m === "fexit" ? fexitTracer(btf, veth!.ifindex) : kprobeTracer(veth!.ifindex)));
    console.log(
      `RPS on ${veth.dev} (ifindex ${veth.ifindex}): rps_cpus=${veth.rpsCpus}; ${opts.packets} UDP datagrams over ${opts.flows} flows per run, ${opts.rounds} rounds`,
    );
    // Every run is preceded by a warm-up send; a first attach per method fails early, before any
    // timing, when the kernel refuses it.
    const warmUp = (): void => void veth!.send(Math.min(opts.packets, 500), opts.flows);
    for (const t of tracers) await t.run(() => undefined, () => undefined);
    const times = new Map<string, SendTimes[]>([["none", []], ...tracers.map((t): [string, SendTimes[]] => [t.name, []])]);
    for (let round = 0; round < opts.rounds; round++) {
      warmUp();
      times.get("none")!.push(veth.send(opts.packets, opts.flows));
      for (const t of tracers) times.get(t.name)!.push(await t.run(warmUp, () => veth!.send(opts.packets, opts.flows)));
    }
    for (const t of tracers) printTable(t);
    // The best round: on a shared machine (or an emulated one) the other rounds are the same work
    // plus interference, which the median still lets through when it hits most rounds.
    const perPacket = (xs: SendTimes[], f: (t: SendTimes) => number): number => Math.min(...xs.map(f)) / opts.packets;
    const base = perPacket(times.get("none")!, (t) => t.cpuNs);
    console.log(`\nsender's time per packet, ns (best of ${opts.rounds} rounds of ${opts.packets}; overhead from CPU time)`);
    console.log("  method                 wall       CPU  overhead");
    for (const [name, xs] of times) {
      const cpu = perPacket(xs, (t) => t.cpuNs);
      const over = name === "none" ? "-" : `${cpu - base >= 0 ? "+" : ""}${(cpu - base).toFixed(0)}`;
      console.log(`  ${name.padEnd(17)}  ${perPacket(xs, (t) => t.wallNs).toFixed(0).padStart(8)}  ${cpu.toFixed(0).padStart(8)}  ${over.padStart(8)}`);
    }
    return 0;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (!(err instanceof ExampleError)) throw err;
    console.error(`rps: ${err.message}.`);
    process.exit(1);
  },
);

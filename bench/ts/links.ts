/**
 * Our side of the links figures, mirroring `bench/c/links.c` (libbpf's bpf_program__attach_*):
 *
 * - `links.attach.<kind>`: ns per attach + close of a do-nothing program of `bpf/bench_links.o`
 *   (tracepoint, raw_tp, tp_btf, kprobe, fentry, uprobe, XDP and TCX on a veth of our own, cgroup
 *   on a cgroup2 directory of our own), the median of `attaches` per repetition. Detaching waits
 *   for RCU grace periods in the kernel, which is most of the time on both sides.
 * - `links.getpgid.none`: ns per getpgid(0) in a tight loop of `calls` with nothing attached, and
 *   `links.getpgid.<fentry|kprobe>_added`: the ns the program adds per call over a baseline loop
 *   measured just before. The loop is `bench/build/links --loop N` (C, so that the figure is the
 *   kernel's cost, not Node's), started by a {@link Launcher} (this process forking would leave
 *   the attach figures after it to take its copy-on-write faults); only the attaching is ours.
 *
 * Kinds the running kernel lacks are skipped (the reason printed once), as on the C side; libbpf
 * 1.1 has no TCX attach, so `links.attach.tcx` has no C figure.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AttachType, loadAndAssign, loadCollectionSpecFromBuffer, type Collection, type Program } from "ebpf";
import {
  attachCgroup,
  attachTCX,
  attachTracing,
  attachXDP,
  kprobe,
  openExecutable,
  rawTracepoint,
  tracepoint,
  type Link,
} from "ebpf/link";
import { buildC } from "../cside.js";
import { Launcher } from "./launcher.js";
import { nowNs, type Figure, type Suite } from "./suite.js";

/** Parameters of the links topic; the C side gets them as `--attaches`, `--calls` and `--obj`. */
export interface LinksParams {
  /** Attach + detach cycles per `links.attach.*` figure and repetition (the median is the sample). */
  attaches: number;
  /** getpgid calls per loop of a `links.getpgid.*` figure. */
  calls: number;
  /** Path of `bench_links.o`. */
  obj: string;
}

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");

type Kind = "tracepoint" | "raw_tp" | "tp_btf" | "kprobe" | "fentry" | "uprobe" | "xdp" | "tcx" | "cgroup";
const KINDS: readonly Kind[] = ["tracepoint", "raw_tp", "tp_btf", "kprobe", "fentry", "uprobe", "xdp", "tcx", "cgroup"];

/** The first cgroup2 mount point, or undefined. */
function cgroup2Root(): string | undefined {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" "))
    .find((f) => f[2] === "cgroup2")?.[1];
}

/**
 * Make the links suite: loads each kind's program on its own (a kind the kernel refuses is
 * skipped with its reason on stderr), creates a veth pair and a cgroup, builds the C loop helper.
 *
 * @example
 * ```ts
 * const suite = linksSuite({ attaches: 10, calls: 1_000_000, obj: "bpf/bench_links.o" });
 * ```
 */
export function linksSuite(p: LinksParams): Suite {
  const spec = loadCollectionSpecFromBuffer(readFileSync(p.obj));
  const helper = existsSync(join(benchDir, "build", "links")) ? join(benchDir, "build", "links") : buildC(benchDir, "links");
  const veth = `lkbt${process.pid % 100000}`;
  execFileSync("ip", ["link", "add", veth, "type", "veth", "peer", "name", `${veth}p`]);
  execFileSync("ip", ["link", "set", veth, "up"]);
  const root = cgroup2Root();
  const cgroup = root === undefined ? undefined : join(root, `lkbench-ts-${process.pid}`);
  if (cgroup !== undefined) mkdirSync(cgroup);
  const exe = openExecutable(helper);

  const attachers: Record<Kind, (prog: Program) => Link> = {
    tracepoint: (prog) => tracepoint("syscalls", "sys_enter_getpgid", prog),
    raw_tp: (prog) => rawTracepoint({ name: "sys_enter", program: prog }),
    tp_btf: (prog) => attachTracing({ program: prog, attachType: AttachType.AttachTraceRawTp }),
    kprobe: (prog) => kprobe("__x64_sys_getpgid", prog),
    fentry: (prog) => attachTracing({ program: prog, attachType: AttachType.AttachTraceFEntry }),
    uprobe: (prog) => exe.uprobe("links_uprobe_target", prog),
    xdp: (prog) => attachXDP({ program: prog, interface: veth }),
    tcx: (prog) => attachTCX({ program: prog, interface: veth, attachType: AttachType.AttachTCXIngress }),
    cgroup: (prog) => {
      if (cgroup === undefined) throw new Error("no cgroup2 mount");
      return attachCgroup({ path: cgroup, attachType: AttachType.AttachCGroupInetEgress, program: prog, mode: "link" });
    },
  };
  // Forked after the setup that can throw (which would leave it running) and before the loads
  // and trial attaches, which take the page faults that fork leaves.
  const launcher = new Launcher();
  const loaded = new Map<Kind, Collection>();
  for (const kind of KINDS) {
    const name = `bench_${kind}`;
    let coll: Collection | undefined;
    try {
      coll = loadAndAssign(spec, { programs: [name] });
      attachers[kind](coll.programs[name]!).close();
      loaded.set(kind, coll);
    } catch (err) {
      coll?.close();
      process.stderr.write(`links: ebpf side: ${kind} skipped: ${(err as Error).message}\n`);
    }
  }
  const attach = (kind: Kind): Link => attachers[kind](loaded.get(kind)!.programs[`bench_${kind}`]!);
  const loop = async (): Promise<number> => Number((await launcher.run(helper, ["--loop", `${p.calls}`])).trim());

  return {
    async run(figure: string): Promise<Figure[]> {
      const kind = /^links\.attach\.(\w+)$/u.exec(figure)?.[1] as Kind | undefined;
      if (kind !== undefined && KINDS.includes(kind)) {
        if (!loaded.has(kind)) return [];
        const samples: number[] = [];
        for (let i = 0; i < p.attaches; i++) {
          const t0 = nowNs();
          attach(kind).close();
          samples.push(nowNs() - t0);
        }
        samples.sort((a, b) => a - b);
        return [{ name: figure, value: samples[samples.length >> 1]!, unit: "ns/op" }];
      }
      if (figure === "links.getpgid.none") return [{ name: figure, value: await loop(), unit: "ns/op" }];
      const added = /^links\.getpgid\.(fentry|kprobe)_added$/u.exec(figure)?.[1] as Kind | undefined;
      if (added === undefined) throw new Error(`links: unknown figure ${figure}`);
      if (!loaded.has(added)) return [];
      const baseline = await loop();
      const link = attach(added);
      try {
        return [{ name: figure, value: (await loop()) - baseline, unit: "ns/op" }];
      } finally {
        link.close();
      }
    },
    close(): void {
      launcher.close();
      for (const coll of loaded.values()) coll.close();
      if (cgroup !== undefined) rmdirSync(cgroup);
      execFileSync("ip", ["link", "del", veth]);
    },
  };
}

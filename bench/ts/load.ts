/**
 * Our side of the load figures, mirroring `bench/c/load.c`: ms per open (read the file and
 * loadCollectionSpecFromBuffer: what loadCollectionSpec does, with a synchronous read because a
 * suite's `run` is synchronous) + newCollection + close of a 5-program, 5-map object, as libbpf's
 * bpf_object__open_file + bpf_object__load + bpf_object__close. `load.plain.*` loads `bpf/bench_load.o` (no CO-RE,
 * packet parsers that libbpf loads in about 2.5 ms), `load.small.*` `bpf/bench_load_small.o` (no CO-RE, a
 * few instructions per program, so that our own cost shows), `load.core.*` `bpf/bench_load_core.o` (CO-RE
 * against the running kernel's BTF).
 *
 * - `*.warm`: `loads` loads in this process, one sample each, with our default kernel BTF cache:
 *   vmlinux is parsed once per process, where libbpf parses it on every load.
 * - `load.core.warm_fresh`: the same with a fresh {@link KernelSpecCache} per load (passed as
 *   `programs.kernelTypes`), so that we parse the kernel's BTF on every load as libbpf does.
 * - `*.warm_cpu`: `*.warm` in CPU time of the process (user + system) instead of wall time.
 * - `load.plain.serial`: `load.plain.warm` with `parallel: false`, every `bpf()` call on this
 *   thread as libbpf makes them.
 * - `*.cold`: one load that is the first of a fresh Node process (`bench/ts/load-once.ts`),
 *   started by a {@link Launcher} so that this process does not fork between its warm figures.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelSpecCache, type Spec } from "ebpf/btf";
import { loadCollectionSpecFromBuffer, newCollection } from "ebpf";
import { Launcher } from "./launcher.js";
import { nowNs, type Figure, type Suite } from "./suite.js";

/** Parameters of the load topic; the C side gets `loads` and `dir` as `--loads` and `--dir`. */
export interface LoadParams {
  /**
   * Untimed loads of each object before the first figure. V8 compiles a function with its
   * optimizing tier only after many calls, and a load calls most of ours once: the per-load time
   * settles after about 1000 loads. (The C side warms up with one load of each.)
   */
  warmup: number;
  /** Loads per request of a `*.warm*` figure, one sample each. */
  loads: number;
  /** Directory holding `bench_load.o`, `bench_load_small.o` and `bench_load_core.o`. */
  dir: string;
}

/**
 * ms (wall and CPU) of one open + newCollection + close of `path`; with `fresh`, the kernel's BTF
 * is parsed anew (inside the timed span) instead of taken from the default cache; with `serial`,
 * no worker thread takes part.
 *
 * @example
 * ```ts
 * const { ms } = loadObject("bpf/bench_load.o");
 * ```
 */
export function loadObject(path: string, fresh = false, serial = false): { ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = nowNs();
  const spec = loadCollectionSpecFromBuffer(readFileSync(path));
  let kernelTypes: Spec | undefined;
  if (fresh) kernelTypes = new KernelSpecCache().kernel();
  const coll = newCollection(spec, {
    ...(kernelTypes === undefined ? {} : { programs: { kernelTypes } }),
    ...(serial ? { parallel: false } : {}),
  });
  const programs = Object.keys(coll.programs).length;
  coll.close();
  const t = nowNs() - t0;
  const cpu = process.cpuUsage(c0);
  if (programs !== 5) throw new Error(`${path}: ${programs} programs, expected 5`);
  return { ms: t / 1e6, cpuMs: (cpu.user + cpu.system) / 1e3 };
}

const onceScript = join(dirname(fileURLToPath(import.meta.url)), "load-once.ts");

/** ms of the first load of a fresh Node process, run with this process's loader flags (tsx). */
async function coldOnce(launcher: Launcher, path: string): Promise<number> {
  const out = await launcher.run(process.execPath, [...process.execArgv, onceScript, path]);
  const ms = Number(out.trim());
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`load-once.ts ${path}: unexpected output ${JSON.stringify(out)}`);
  return ms;
}

/**
 * Warm up with `warmup` loads of each object (untimed), then measure per request.
 *
 * @example
 * ```ts
 * const suite = loadSuite({ loads: 20, warmup: 1000, dir: "bpf" });
 * suite.run("load.core.warm");
 * ```
 */
export function loadSuite(p: LoadParams): Suite {
  const objects = {
    plain: join(p.dir, "bench_load.o"),
    small: join(p.dir, "bench_load_small.o"),
    core: join(p.dir, "bench_load_core.o"),
  };
  // Forked before the warm-up, whose writes take the page faults that fork leaves.
  const launcher = new Launcher();
  try {
    for (let i = 0; i < p.warmup; i++) for (const path of Object.values(objects)) loadObject(path);
  } catch (err) {
    launcher.close();
    throw err;
  }
  return {
    run(figure: string): Figure[] | Promise<Figure[]> {
      const m = /^load\.(plain|small|core)\.(cold|warm|warm_cpu|warm_fresh|serial)$/.exec(figure);
      if (m === null || (m[2] === "warm_fresh" && m[1] !== "core") || (m[2] === "serial" && m[1] !== "plain")) {
        throw new Error(`unknown figure '${figure}'`);
      }
      const path = objects[m[1] as keyof typeof objects];
      if (m[2] === "cold") return coldOnce(launcher, path).then((value) => [{ name: figure, value, unit: "ms" }]);
      const figures: Figure[] = [];
      for (let i = 0; i < p.loads; i++) {
        const { ms, cpuMs } = loadObject(path, m[2] === "warm_fresh", m[2] === "serial");
        figures.push({ name: figure, value: m[2] === "warm_cpu" ? cpuMs : ms, unit: "ms" });
      }
      return figures;
    },
    close(): void {
      launcher.close();
    },
  };
}

// Story 3 (examples/rps.ts): get_rps_cpu() decisions counted by fexit and by kprobe/kretprobe on a
// veth with RPS on. The example runs as a child process; this host refuses fentry/fexit (EPERM)
// and has no kprobes, so the tables are checked in the VM suite and here only the one-sentence
// failure is.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { loadCollectionSpec, newCollection } from "../../src/index.js";
import { loadKernelSpec } from "../../src/btf/index.js";
import { SyscallError } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { runTs } from "../helpers/ts-child.js";
import { unlessKernelFunc, why } from "../helpers/kernel.js";
import { kprobesMissing, vethMissing } from "./link-fixtures.js";

expectNoFdLeaks();

const root = new URL("../../", import.meta.url).pathname;

/** Run examples/rps.ts with `args`; its exit status and output. */
function runExample(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = runTs("examples/rps.ts", args, { cwd: root, timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Why fexit cannot load here: only EPERM from loading the example's valid program counts. */
async function fexitRefused(): Promise<string | undefined> {
  const spec = await loadCollectionSpec(`${root}bpf/rps_fexit.o`);
  try {
    newCollection(spec, { programs: { kernelTypes: loadKernelSpec() } }).close();
    return undefined;
  } catch (err) {
    if (err instanceof SyscallError && err.code === "EPERM") return "fexit: BPF_PROG_LOAD refused with EPERM by this host's policy";
    throw err;
  }
}

const noFunc = unlessKernelFunc("get_rps_cpu", "get_rps_cpu is not in this kernel's BTF (CONFIG_RPS off or inlined)");
const missing = noFunc ?? vethMissing() ?? (await fexitRefused()) ?? kprobesMissing();
const PACKETS = 2000;
const ROUNDS = 5;

describe.skipIf(missing !== undefined)(`examples/rps.ts${why(missing)}`, () => {
  it("prints both tables, each with every packet's decision, and the per-packet cost of each method", { timeout: 600_000 }, () => {
    const { status, stdout, stderr } = runExample(["--packets", String(PACKETS), "--rounds", String(ROUNDS)]);
    console.log(stdout);
    expect(stderr.replace(/^npm warn.*\n/gm, "")).toBe("");
    expect(status).toBe(0);
    const ifindex = Number(/\(ifindex (\d+)\)/.exec(stdout)![1]);
    const cpus = availableParallelism();
    for (const name of ["fexit", "kprobe/kretprobe"]) {
      const section = stdout.split(`\n${name}: `)[1]!.split("\n\n")[0]!;
      expect(section.split("\n")[0]).toBe(`${PACKETS * ROUNDS} decisions`);
      const rows = section
        .split("\n")
        .slice(2)
        .map((l) => l.trim().split(/\s+/).map(Number));
      expect(rows.length).toBeGreaterThan(0);
      let total = 0;
      for (const [dev, numa, cpu, target, packets] of rows) {
        expect(dev).toBe(ifindex);
        expect(numa).toBe(0);
        expect(cpu).toBeGreaterThanOrEqual(0);
        expect(cpu).toBeLessThan(cpus);
        // rps_cpus holds every CPU: each decision names one.
        expect(target).toBeGreaterThanOrEqual(0);
        expect(target).toBeLessThan(cpus);
        total += packets!;
      }
      expect(total).toBe(PACKETS * ROUNDS);
    }
    for (const name of ["none", "fexit", "kprobe/kretprobe"]) {
      expect(stdout).toMatch(new RegExp(`\\n  ${name.replace("/", "\\/")} +\\d+ +\\d+ +(-|[+-]\\d+)(\\n|$)`));
    }
  });
});

describe.skipIf(missing === undefined || noFunc !== undefined)(`examples/rps.ts where ${missing}`, () => {
  it("fails with one sentence naming what is missing, and leaves no veth behind", { timeout: 300_000 }, () => {
    const { status, stdout, stderr } = runExample(["--packets", "100", "--rounds", "1"]);
    expect(status).toBe(1);
    const lines = stderr.split("\n").filter((l) => l !== "" && !l.startsWith("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rps: .*(fexit|kprobe|veth|CONFIG_).*\.$/);
    const dev = /RPS on (\S+) /.exec(stdout)?.[1];
    if (dev !== undefined) expect(spawnSync("ip", ["link", "show", dev]).status).not.toBe(0);
  });
});

describe("examples/rps.ts --help", () => {
  it("prints the usage and exits 0", { timeout: 300_000 }, () => {
    const { status, stdout } = runExample(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: rps /);
    expect(stdout).toContain("--packets N");
  });
});

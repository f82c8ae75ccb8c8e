// Story 2 (examples/getaddrinfo.ts and examples/getaddrinfo-bench.ts): getaddrinfo traced by a
// uprobe / uretprobe pair, its lookups delivered three ways. The examples run as child processes
// with a fixed number of lookups (made by a perl child of the example) and their output is checked.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MapType } from "../../src/index.js";
import { haveMapType } from "../../src/features/index.js";
import { tracefsRoot } from "../../src/link/tracefs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { runTs } from "../helpers/ts-child.js";
import { unless, why } from "../helpers/kernel.js";

expectNoFdLeaks();

const root = new URL("../../", import.meta.url).pathname;

function runExample(file: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = runTs(file, args, { cwd: root, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^npm warn.*\n/gm, "") };
}

function uprobesMissing(): string | undefined {
  if (existsSync("/sys/bus/event_source/devices/uprobe")) return undefined;
  if (existsSync(`${tracefsRoot()}/uprobe_events`)) return undefined;
  return "uprobes: CONFIG_UPROBE_EVENTS off (no uprobe PMU, no tracefs uprobe_events)";
}

const missing = unless(() => haveMapType(MapType.RingBuf), "ring buffer maps need Linux 5.8") ?? uprobesMissing();
const LOOKUPS = 6;
/** What the example's perl child asks for, in turn, and what getaddrinfo answers. */
const EXPECTED = [
  ["ok", "localhost"],
  ["ok", "127.0.0.1"],
  ["EAI_NONAME", "example.invalid"],
];

describe.skipIf(missing !== undefined)(`examples/getaddrinfo.ts${why(missing)}`, () => {
  for (const channel of ["ringbuf", "perf-stack", "perf-heap"]) {
    it(`prints each of ${LOOKUPS} lookups through ${channel}`, { timeout: 300_000 }, () => {
      const { status, stdout, stderr } = runExample("examples/getaddrinfo.ts", ["--lookups", String(LOOKUPS), "--channel", channel]);
      expect(stderr).toBe("");
      expect(status).toBe(0);
      const lines = stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(new RegExp(`^Tracing getaddrinfo in /\\S*libc\\.so\\.6 through ${channel} \\(pid \\d+\\); Ctrl-C to stop\\.$`));
      const pid = /\(pid (\d+)\)/.exec(lines[0]!)![1];
      expect(lines[1]).toMatch(/^PID +COMM +RESULT +LATENCY {2}HOST$/);
      const rows = lines.slice(2).map((l) => {
        const m = /^(\d+) +(\S+) +(\S+) +([\d.]+) us {2}(\S+)$/.exec(l);
        expect(m, l).not.toBeNull();
        return { pid: m![1], comm: m![2], result: m![3], latencyUs: Number(m![4]), host: m![5] };
      });
      expect(rows).toHaveLength(LOOKUPS);
      for (const r of rows) {
        expect(r.pid).toBe(pid);
        expect(r.comm).toBe("perl");
        expect(r.latencyUs).toBeGreaterThan(0);
      }
      const seen = rows.map((r) => [r.result, r.host]);
      const wanted = Array.from({ length: LOOKUPS }, (_, i) => EXPECTED[i % EXPECTED.length]!);
      // The ring buffer keeps the order of the calls; the perf buffer keeps it per CPU only.
      if (channel === "ringbuf") expect(seen).toEqual(wanted);
      else expect(seen.map(String).sort()).toEqual(wanted.map(String).sort());
    });
  }

  it("measures the three channels beside no probes and probes alone", { timeout: 300_000 }, () => {
    const { status, stdout, stderr } = runExample("examples/getaddrinfo-bench.ts", ["--lookups", "300", "--rounds", "1"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    for (const name of ["no probes", "probes only"]) expect(stdout).toMatch(new RegExp(`\\n${name} +- +\\d+ +- +- +- +[\\d.]+ +- +-\\n`));
    for (const [name, size] of [["perf-stack", 168], ["perf-heap", 1064], ["ringbuf", 1064]] as const) {
      expect(stdout).toMatch(new RegExp(`\\n${name} +${size} +\\d+ +\\d+ +\\d+ +[\\d.]+ +-?[\\d.]+ +-?[\\d.]+ +[\\d.]+\\n`));
    }
    expect(stdout).toMatch(/\nThese numbers (support|refute) the claim/);
  });
});

describe("examples --help", () => {
  it("prints each example's usage and exits 0", { timeout: 300_000 }, () => {
    for (const [file, name] of [["examples/getaddrinfo.ts", "getaddrinfo"], ["examples/getaddrinfo-bench.ts", "getaddrinfo-bench"]]) {
      const { status, stdout } = runExample(file!, ["--help"]);
      expect(status).toBe(0);
      expect(stdout.startsWith(`Usage: ${name} `)).toBe(true);
    }
  });

  it("fails with one sentence on a bad option", { timeout: 300_000 }, () => {
    const { status, stderr } = runExample("examples/getaddrinfo.ts", ["--channel", "pigeon"]);
    expect(status).toBe(1);
    expect(stderr).toBe("getaddrinfo: --channel must be one of perf-stack, perf-heap, ringbuf.\n");
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchResult } from "../../src/cli/bench-report.js";
import { runCli } from "../../src/cli/cli.js";
import { bufferIO, type CliIO } from "../../src/cli/io.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

// `ebpf bench` on the running kernel: bpf/cli_bench.o's XDP program, whose work per packet grows
// with its `work_loops` constant, run with BPF_PROG_TEST_RUN; a real slowdown (more loops) is
// caught by --compare against a baseline recorded by the same command.

expectNoFdLeaks();

const work = mkdtempSync(join(tmpdir(), "ebpf-cl-bench-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(argv: string[], io: CliIO & { out(): string; err(): string } = bufferIO()) {
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const OBJ = "bpf/cli_bench.o";
const XDP_PASS = 2;

describe("ebpf bench", () => {
  it("runs the program and reports ns/run, verifier statistics and JIT size", async () => {
    const { code, out, err } = await cli(["bench", OBJ, "--program", "xdp_work", "--repeat", "2000", "--rounds", "3", "--format", "json"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const r = JSON.parse(out) as BenchResult;
    expect(r).toMatchObject({ program: "xdp_work", type: "XDP", rounds: 3, repeat: 2000, dataSize: 64, retval: XDP_PASS });
    expect(r.nsPerRun.rounds).toHaveLength(3);
    expect(r.nsPerRun.min).toBeGreaterThan(0);
    expect(r.nsPerRun.min).toBeLessThanOrEqual(r.nsPerRun.median);
    expect(r.nsPerRun.median).toBeLessThanOrEqual(r.nsPerRun.max);
    // The verifier walks the program's 74 instructions at least once.
    expect(r.verifiedInstructions).toBeGreaterThanOrEqual(74);
    expect(r.verificationTimeUs).toBeGreaterThanOrEqual(0);
    expect(r.jitedSize).toBeGreaterThanOrEqual(0);
  });

  it("takes the input from --data and the only program without --program", async () => {
    const data = join(work, "packet.bin");
    writeFileSync(data, new Uint8Array(20));
    const { code, out } = await cli(["bench", OBJ, "--data", data, "--repeat", "10", "--rounds", "1", "--format", "json"]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ program: "xdp_work", dataSize: 20, retval: XDP_PASS });
  });

  it("prints a summary, and a progress bar only on a terminal", async () => {
    const tty = Object.assign(bufferIO(), { stderrIsTTY: true });
    const { code, out, err } = await cli(["bench", OBJ, "--repeat", "100", "--rounds", "2"], tty);
    expect(code).toBe(0);
    expect(out).toMatch(/^xdp_work \(XDP\): 2 rounds of 100 runs on 64 bytes of input\n {2}ns\/run {4}median [\d.]+, min [\d.]+, max [\d.]+ \(rounds: [\d.]+ [\d.]+\)\n {2}retval {4}2\n {2}verifier {2}\d+ instructions processed in \d+ µs\n {2}JIT size {2}\d+ bytes \(\d+ bytes of instructions after the verifier\)\n$/u);
    expect(err).toContain("\rxdp_work [##############################] 100%");
    expect(err.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("detects a real regression against a baseline it recorded, and exits 3", async () => {
    const baseline = join(work, "baseline.json");
    const base = await cli(["bench", OBJ, "--repeat", "2000", "--rounds", "3", "--format", "bmf", "--name", "xdp"]);
    expect(base.code).toBe(0);
    writeFileSync(baseline, base.out);
    const bmf = JSON.parse(base.out) as Record<string, Record<string, { value: number }>>;
    expect(Object.keys(bmf)).toEqual(["xdp"]);
    expect(Object.keys(bmf.xdp!)).toEqual(["latency", "verified-instructions", "verification-time", "jit-size"]);

    // 2000 rounds of busy work instead of 1: tens of times slower, far beyond noise.
    const slow = await cli(["bench", OBJ, "--set", "work_loops=2000", "--repeat", "500", "--rounds", "3", "--format", "bmf", "--name", "xdp", "--compare", baseline, "--threshold", "50"]);
    expect(slow.code).toBe(3);
    const lines = slow.err.trimEnd().split("\n");
    expect(lines[0]).toBe(`compared with ${baseline} (threshold 50%):`);
    expect(lines[2]).toMatch(/^ {2}xdp +latency +[\d.]+ +[\d.]+ +\+[\d.]+% +REGRESSED$/u);
    expect(lines[3]).toMatch(/^ {2}xdp +verified-instructions +\d+ +\d+ +\+[\d.]+% +REGRESSED$/u);
    expect(lines.at(-1)).toBe(`ebpf bench: latency, verified-instructions regressed by more than 50% against ${baseline}`);
    // stdout stays pure BMF for the CI to upload.
    expect(Object.keys(JSON.parse(slow.out) as object)).toEqual(["xdp"]);
  });

  it("passes a crafted baseline it does not exceed, and fails a crafted one it does", async () => {
    const generous = join(work, "generous.json");
    writeFileSync(generous, JSON.stringify({ xdp_work: { latency: { value: 1e9 }, "verified-instructions": { value: 1e9 }, "jit-size": { value: 1e9 } } }));
    expect((await cli(["bench", OBJ, "--repeat", "100", "--rounds", "1", "--compare", generous])).code).toBe(0);
    const strict = join(work, "strict.json");
    writeFileSync(strict, JSON.stringify({ xdp_work: { latency: { value: 0.001 } } }));
    const r = await cli(["bench", OBJ, "--repeat", "100", "--rounds", "1", "--compare", strict]);
    expect(r.code).toBe(3);
    expect(r.err.trimEnd().split("\n").at(-1)).toBe(`ebpf bench: latency regressed by more than 10% against ${strict}`);
  });

  it("fails in one sentence for a bad program, variable or baseline", async () => {
    expect(await cli(["bench", OBJ, "--program", "nope"])).toEqual({
      code: 1,
      out: "",
      err: "ebpf bench: program nope is not in the object (it has xdp_work)\n",
    });
    expect((await cli(["bench", OBJ, "--set", "nope=1"])).err).toBe(
      "ebpf bench: variable nope is not in the object (it has greeting, packets_seen, work_loops)\n",
    );
    expect((await cli(["bench", "bpf/loader_maps.o"])).err).toBe(
      "ebpf bench: the object has several programs (tail_target, use_jump, use_lock, use_maps, use_outer): choose one with --program\n",
    );
    expect((await cli(["bench", OBJ, "--compare", join(work, "missing.json")])).err).toBe(
      `ebpf bench: cannot read baseline ${join(work, "missing.json")}: no such file or directory\n`,
    );
    expect(await cli(["bench", OBJ, "--repeat", "0"])).toEqual({
      code: 2,
      out: "",
      err: 'ebpf bench: --repeat must be a whole number from 1 to 4294967295, got "0"\nRun \'ebpf bench --help\' for usage.\n',
    });
    expect((await cli(["bench", OBJ, "--format", "xml"])).err).toBe(
      'ebpf bench: --format must be one of text, json, bmf, got "xml"\nRun \'ebpf bench --help\' for usage.\n',
    );
  });
});

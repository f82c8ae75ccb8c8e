import { describe, expect, it } from "vitest";
import { compareBMF, formatComparison, median, parseBMF, toBMF, type BenchResult } from "../../src/cli/bench-report.js";
import { EbpfError } from "../../src/errors.js";

// The figures of `ebpf bench` as Bencher Metric Format, and the regression check of --compare.

const result: BenchResult = {
  name: "xdp_work",
  program: "xdp_work",
  type: "XDP",
  rounds: 3,
  repeat: 1000,
  dataSize: 64,
  retval: 2,
  nsPerRun: { median: 20, min: 19.5, max: 31, rounds: [31, 20, 19.5] },
  verifiedInstructions: 76,
  verificationTimeUs: 150,
  jitedSize: 417,
  translatedSize: 736,
};

describe("bench figures", () => {
  it("take the median of the rounds", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("print as Bencher Metric Format", () => {
    expect(toBMF(result)).toEqual({
      xdp_work: {
        latency: { value: 20, lower_value: 19.5, upper_value: 31 },
        "verified-instructions": { value: 76 },
        "verification-time": { value: 150 },
        "jit-size": { value: 417 },
      },
    });
    expect(toBMF({ ...result, verifiedInstructions: null, verificationTimeUs: null }).xdp_work).toEqual({
      latency: { value: 20, lower_value: 19.5, upper_value: 31 },
      "jit-size": { value: 417 },
    });
  });
});

describe("--compare", () => {
  const current = toBMF(result);

  it("passes figures within the threshold and ignores verification time", () => {
    const baseline = { xdp_work: { latency: { value: 19 }, "verified-instructions": { value: 76 }, "verification-time": { value: 1 }, "jit-size": { value: 417 } } };
    const c = compareBMF(current, baseline, 0.1);
    expect(c.map((x) => [x.measure, x.regressed])).toEqual([
      ["latency", false],
      ["verified-instructions", false],
      ["jit-size", false],
    ]);
    expect(c[0]!.change).toBeCloseTo(1 / 19);
  });

  it("flags each figure that grew beyond the threshold", () => {
    const baseline = { xdp_work: { latency: { value: 10 }, "verified-instructions": { value: 76 }, "jit-size": { value: 0 } } };
    const c = compareBMF(current, baseline, 0.1);
    expect(c.filter((x) => x.regressed).map((x) => x.measure)).toEqual(["latency", "jit-size"]);
    expect(c.find((x) => x.measure === "jit-size")!.change).toBe(Number.POSITIVE_INFINITY);
    expect(formatComparison(c, "base.json", 0.1)).toBe(
      "compared with base.json (threshold 10%):\n" +
        "  BENCHMARK  MEASURE                BASELINE  CURRENT  CHANGE\n" +
        "  xdp_work   latency                10        20       +100.0%  REGRESSED\n" +
        "  xdp_work   verified-instructions  76        76       +0.0%    ok\n" +
        "  xdp_work   jit-size               0         417      +inf     REGRESSED\n",
    );
  });

  it("refuses a baseline without the benchmark, and files that are not BMF", () => {
    expect(() => compareBMF(current, { other: { latency: { value: 1 } } }, 0.1)).toThrow(
      new EbpfError("the baseline has no figures for xdp_work (it has other)"),
    );
    expect(() => parseBMF([], "b.json")).toThrow("b.json is not Bencher Metric Format JSON: expected an object of benchmarks");
    expect(() => parseBMF({ x: { latency: { value: "1" } } }, "b.json")).toThrow(
      "b.json is not Bencher Metric Format JSON: x.latency has no numeric value",
    );
    expect(parseBMF({ x: { latency: { value: 1 } } }, "b.json")).toEqual({ x: { latency: { value: 1 } } });
  });
});

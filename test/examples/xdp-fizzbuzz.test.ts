// `npm run demo` (examples/xdp-fizzbuzz.ts) run end to end as a child process, as a user runs it:
// its printed lines, its exit status, and that the namespace and veth pair it made are gone
// afterwards, also after SIGINT. Host only: under the VM suite's emulated CPUs each Node start
// takes tens of seconds, so the kernel side lives in test/integration/story-xdp-fizzbuzz.test.ts.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { runExample, startUntil } from "./child.js";
import { why } from "../helpers/kernel.js";
import { vethMissing } from "../integration/link-fixtures.js";

expectNoFdLeaks();


/** Run the demo to completion. */
function runDemo(args: readonly string[], options: { uid?: number; gid?: number } = {}): SpawnSyncReturns<string> {
  return runExample("xdp-fizzbuzz.ts", args, options);
}

/** The namespace and host veth the demo says it made, and whether either still exists. */
function leftovers(stdout: string): { ns: string; host: string; exist: boolean } {
  const m = /attached xdp_fizzbuzz to (\S+), whose peer is in namespace (\S+)/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  const [, host, ns] = m!;
  const namespaces = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
  return { ns: ns!, host: host!, exist: existsSync(`/sys/class/net/${host}`) || namespaces.split("\n").some((l) => l.split(" ")[0] === ns) };
}

const noVeth = vethMissing();

// Each test starts Node on the TypeScript sources, which takes seconds on a loaded machine.
describe("npm run demo", { timeout: 120_000 }, () => {
  it("prints --help and exits 0", () => {
    const r = runDemo(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run demo/);
    expect(r.stdout).toContain("--watch");
  });

  it.skipIf(noVeth !== undefined)(`prints one line per message for its chosen source addresses, then removes what it made${why(noVeth)}`, () => {
    const r = runDemo([]);
    expect(r.stderr, r.stdout).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.includes(" -> "))).toEqual([
      "10.77.0.3 -> Fibonacci",
      "10.77.0.9 -> Fizz",
      "10.77.0.10 -> Buzz",
      "10.77.0.30 -> FizzBuzz",
      "10.77.0.89 -> Fibonacci",
    ]);
    expect(lines).toContain("no message for 10.77.0.7: neither Fibonacci nor a multiple of 3 or 5");
    expect(r.stdout).toMatch(/packets seen: 6 IPv4, \d+ not IPv4; passed \d+, dropped 0/);
    const left = leftovers(r.stdout);
    expect(lines.at(-1)).toBe(`removed namespace ${left.ns} and veth ${left.host}`);
    expect(left.exist).toBe(false);
  });

  it.skipIf(noVeth !== undefined)(`takes the last bytes to send from on its command line${why(noVeth)}`, () => {
    const r = runDemo(["15", "144", "4"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.includes(" -> "))).toEqual(["10.77.0.15 -> FizzBuzz", "10.77.0.144 -> Fibonacci"]);
    expect(r.stdout).toContain("no message for 10.77.0.4:");
    expect(leftovers(r.stdout).exist).toBe(false);
  });

  it("refuses a bad last byte in one sentence", () => {
    const r = runDemo(["254"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('xdp-fizzbuzz: "254" is not a last byte between 1 and 253 (see --help).');
  });

  it.skipIf(noVeth !== undefined)(`cleans up and exits 130 on SIGINT${why(noVeth)}`, async () => {
    const run = await startUntil("xdp-fizzbuzz.ts", ["--watch"], "watching for more messages");
    const during = leftovers(run.stdout());
    expect(during.exist).toBe(true);
    expect(await run.interrupt()).toBe(130);
    const stdout = run.stdout();
    expect(stdout).toContain(`interrupted: removed namespace ${during.ns} and veth ${during.host}`);
    expect(leftovers(stdout).exist).toBe(false);
  });

  it.skipIf(userInfo().uid !== 0)("without privileges says so in one sentence and exits 1", () => {
    const r = runDemo([], { uid: 65534, gid: 65534 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe(
      "xdp-fizzbuzz needs root (or CAP_BPF + CAP_NET_ADMIN): the kernel refused BPF_MAP_CREATE with EPERM.",
    );
  });
});

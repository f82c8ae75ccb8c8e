/**
 * `npm run bench`: builds the C side (`bench/c/*.c` against Debian's libbpf-dev), then runs each
 * topic's C program and our TypeScript suite side by side, figure by figure, alternating which
 * goes first, takes the median of the repetitions, prints our figures beside C's as ratios and
 * writes Bencher Metric Format JSON to `bench/results.json`.
 *
 * Usage: npm run bench -- [--runs N] [--only topic[,topic]] [--quick]
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildC, CProgram, missingPrerequisites } from "./cside.js";
import { formatTable, summarize, toBMF, type Impl, type Row } from "./report.js";
import { topics, type Topic } from "./topics.js";
import type { Suite } from "./ts/suite.js";

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsPath = join(benchDir, "results.json");

const usage = `usage: npm run bench -- [--runs N] [--only TOPIC[,TOPIC]] [--quick]
  --runs N    repetitions per topic; the median is reported (default: per topic, 5)
  --only      run only these topics: ${topics.map((t) => t.name).join(", ")}
  --quick     small maps and few samples, for a CI smoke run`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function options(): { runs: number | undefined; only: Topic[]; quick: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: { runs: { type: "string" }, only: { type: "string" }, quick: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (e) {
    fail(`${(e as Error).message}\n${usage}`);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  let runs: number | undefined;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) fail(`--runs: expected a positive integer, got '${values.runs}'\n${usage}`);
  }
  let only = topics;
  if (values.only !== undefined) {
    const names = values.only.split(",").map((s) => s.trim());
    const unknown = names.filter((n) => !topics.some((t) => t.name === n));
    if (unknown.length > 0) fail(`--only: unknown topic ${unknown.join(", ")}; topics: ${topics.map((t) => t.name).join(", ")}`);
    only = topics.filter((t) => names.includes(t.name));
  }
  return { runs, only, quick: values.quick === true };
}

type Samples = Map<string, Map<Impl, number[]>>;

function record(samples: Samples, name: string, impl: Impl, value: number): void {
  let byImpl = samples.get(name);
  if (byImpl === undefined) samples.set(name, (byImpl = new Map()));
  let list = byImpl.get(impl);
  if (list === undefined) byImpl.set(impl, (list = []));
  list.push(value);
}

const IMPLS: readonly string[] = ["c-raw", "libbpf"];
/** On a terminal, progress rewrites one line; in a log, one line per repetition. */
const progress = process.stderr.isTTY ? "\r" : "";

/** Run one topic; problems of either side are returned as messages, not thrown. */
async function runTopic(topic: Topic, runs: number, quick: boolean, samples: Samples): Promise<string[]> {
  const problems: string[] = [];
  let started: CProgram | undefined;
  try {
    if (topic.cArgs) started = await CProgram.start(topic.name, buildC(benchDir, topic.name), topic.cArgs(quick));
  } catch (e) {
    problems.push(`${topic.name}: C side: ${(e as Error).message}`);
  }
  // `c` is dropped after a failure; `started` is still closed at the end.
  let c = started;
  let suite: Suite | undefined;
  try {
    suite = await topic.suite(quick);
  } catch (e) {
    problems.push(`${topic.name}: ebpf side unavailable: ${(e as Error).message}`);
  }
  const runC = async (figure: string) => {
    if (c === undefined) return;
    try {
      for (const f of await c.run(figure)) {
        if (!IMPLS.includes(f.variant)) throw new Error(`unknown variant '${f.variant}' of ${f.name}`);
        record(samples, f.name, f.variant as Impl, f.value);
      }
    } catch (e) {
      problems.push(`${topic.name}: C side: ${(e as Error).message}`);
      c = undefined;
    }
  };
  const runOurs = async (figure: string) => {
    if (suite === undefined) return;
    try {
      for (const f of await suite.run(figure)) record(samples, f.name, f.variant ?? "ebpf", f.value);
    } catch (e) {
      problems.push(`${topic.name}: ebpf side: ${(e as Error).stack ?? e}`);
      suite.close();
      suite = undefined;
    }
  };
  for (let r = 0; r < runs && (c !== undefined || suite !== undefined); r++) {
    process.stderr.write(`${progress}${topic.name}: repetition ${r + 1}/${runs}${progress ? "" : "\n"}`);
    for (const [i, { name }] of topic.figures.entries()) {
      // Figure by figure, alternating which side goes first, so drift hits both sides alike.
      if ((r + i) % 2 === 0) {
        await runC(name);
        await runOurs(name);
      } else {
        await runOurs(name);
        await runC(name);
      }
    }
  }
  if (progress) process.stderr.write("\n");
  suite?.close();
  try {
    await started?.close();
  } catch (e) {
    // After a failure mid-run the exit status only repeats it.
    if (c !== undefined) problems.push(`${topic.name}: C side: ${(e as Error).message}`);
  }
  return problems;
}

async function main(): Promise<void> {
  const { runs, only, quick } = options();
  const missing = missingPrerequisites();
  if (missing !== undefined) fail(`bench: the C side needs gcc and Debian's libbpf-dev; install them with:\n  ${missing}`);

  // Other work on the machine inflates both sides unevenly: say so rather than print noise silently.
  const busy = () => loadavg()[0] > availableParallelism() * 0.75;
  const loadNote = () => `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`;
  if (busy()) console.error(`bench: warning: ${loadNote()}; figures will be noisy`);
  const started = Date.now();
  const samples: Samples = new Map();
  const problems: string[] = [];
  const rows: Row[] = [];
  for (const topic of only) {
    const n = runs ?? (quick ? Math.min(3, topic.defaultRuns) : topic.defaultRuns);
    problems.push(...(await runTopic(topic, n, quick, samples)));
    for (const fig of topic.figures) {
      const results = new Map<Impl, ReturnType<typeof summarize>>();
      for (const [impl, list] of samples.get(fig.name) ?? []) results.set(impl, summarize(list));
      rows.push({ ...fig, results });
    }
  }

  console.log(formatTable(rows));
  console.log(
    `\nmedians${quick ? " (--quick)" : ""}; ratio = our cost / C's (for entries/s: C's rate / ours); ` +
      `C raw = syscall(__NR_bpf) with a prebuilt attribute; ${((Date.now() - started) / 1000).toFixed(0)} s, ${loadNote()}`,
  );
  if (problems.length > 0) console.error(`\n${problems.join("\n")}\n`);
  if (rows.some((row) => row.results.size > 0)) {
    try {
      writeFileSync(resultsPath, `${JSON.stringify(toBMF(rows), null, 2)}\n`);
      console.log(`wrote ${resultsPath}`);
    } catch (e) {
      problems.push(`writing results: ${(e as Error).message}`);
      console.error(problems[problems.length - 1]);
    }
  } else {
    console.error(`nothing measured; ${resultsPath} left as it was`);
  }
  if (problems.length > 0) process.exitCode = 1;
}

await main();

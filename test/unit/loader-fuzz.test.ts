import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { InstructionError, type Instruction } from "../../src/asm/index.js";
import { formatType, FuncProto, Pointer } from "../../src/btf/index.js";
import type { CollectionMapSpec, CollectionSpec } from "../../src/collection/spec.js";
import { loadCollectionSpecFromBuffer } from "../../src/elf/loader/index.js";
import { BTFError, EbpfError, ELFError, LoadError } from "../../src/errors.js";
import { applicable, findTargets, inputSeed, mutate, Rng, withField, type Strategy, type Targets } from "./loader-fuzz-mutate.js";

// Fuzzing the loader: corrupted objects must parse to a spec that can be walked, or fail with an
// ELFError, BTFError or LoadError — never another exception, a hang or runaway memory.
//
// The corpus is bpf/*.o plus, when ../shared is present, cilium/ebpf's test objects in both byte
// orders. Replay: EBPF_FUZZ_SEED=<seed> (or "random") picks the run; EBPF_FUZZ_ITERATION=<n>
// runs only that input, printing what was changed; EBPF_FUZZ_FILE=<object> replays it on that
// object even after the corpus has changed (input n depends only on the seed and the object, not
// on how many inputs ran before). EBPF_FUZZ_SECONDS bounds the run (default 50),
// EBPF_FUZZ_ITERATIONS caps the inputs.

const root = join(import.meta.dirname, "../..");
const peer = join(root, "../shared/peer-testdata/cilium-ebpf");

const envSeed = process.env.EBPF_FUZZ_SEED;
const SEED =
  envSeed === undefined || envSeed === ""
    ? 0x5eed_2026
    : envSeed === "random"
      ? (Math.random() * 0x1_0000_0000) >>> 0
      : Number(envSeed) >>> 0;
const ONLY = process.env.EBPF_FUZZ_ITERATION === undefined ? undefined : Number(process.env.EBPF_FUZZ_ITERATION);
const FILE = process.env.EBPF_FUZZ_FILE;
const SECONDS = Number(process.env.EBPF_FUZZ_SECONDS ?? 50);
const MAX_ITERATIONS = Number(process.env.EBPF_FUZZ_ITERATIONS ?? 1_000_000);
/** One parse (and walk) taking longer than this is a hang in all but name. */
const PARSE_LIMIT_MS = 2_000;
/** Growth of the heap or RSS beyond this over the run is runaway memory. */
const MEMORY_LIMIT = 512 * 1024 * 1024;
/** Originals that are invalid on purpose, and the error class they must be refused with. */
const INVALID_ORIGINALS: Record<string, typeof LoadError> = {
  "invalid_btf_map_init-el.elf": LoadError,
  "invalid_btf_map_init-eb.elf": LoadError,
  "invalid_map_static-el.elf": LoadError,
  "invalid_map_static-eb.elf": LoadError,
};

interface Corpus {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly targets: Targets;
  readonly strategies: Strategy[];
}

function corpusFiles(): string[] {
  const files = readdirSync(join(root, "bpf"))
    .filter((f) => f.endsWith(".o"))
    .map((f) => join(root, "bpf", f));
  for (const dir of ["testdata", "btf"]) {
    const d = join(peer, dir);
    if (existsSync(d)) files.push(...readdirSync(d).filter((f) => f.endsWith(".elf")).map((f) => join(d, f)));
  }
  return files.sort();
}

function loadCorpus(): Corpus[] {
  return corpusFiles().map((path) => {
    const bytes = new Uint8Array(readFileSync(path));
    let targets: Targets;
    try {
      targets = findTargets(bytes);
    } catch (err) {
      throw new Error(`corpus object ${path} is not valid ELF`, { cause: err });
    }
    return { name: basename(path), bytes, targets, strategies: applicable(targets) };
  });
}

/** Why `err` breaks the contract, or undefined when it is a proper rejection. */
function contractViolation(err: unknown): string | undefined {
  if (!(err instanceof ELFError || err instanceof BTFError || err instanceof LoadError)) {
    return `threw ${describeError(err)}`;
  }
  // The loader's last-resort wrapper turns stray exceptions into LoadErrors; reaching it means a
  // parser let a TypeError / RangeError … escape, which is a bug to fix at its source.
  for (let cause: unknown = err.cause; cause !== undefined; cause = (cause as Error).cause) {
    if (!(cause instanceof EbpfError)) return `${err.name} wraps a stray ${describeError(cause)}`;
    const typed = cause instanceof ELFError || cause instanceof BTFError || cause instanceof LoadError;
    if (!typed && !(cause instanceof InstructionError)) {
      return `${err.name} wraps an error meant for API misuse, ${describeError(cause)}`;
    }
  }
  return undefined;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${err.stack?.split("\n").slice(1, 6).join("\n")}`;
  return String(err);
}

/** Reads every part of a spec the way a caller would; throws on inconsistencies. */
function walk(spec: CollectionSpec): void {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`inconsistent spec: ${what}`);
  };
  for (const [name, prog] of Object.entries(spec.programs)) {
    check(prog.name === name, `program ${name} is named ${prog.name}`);
    const insns = prog.instructions as readonly Instruction[];
    check(Array.isArray(insns) && insns.length > 0, `program ${name} has no instructions`);
    let slots = 0;
    for (const insn of insns) {
      insn.toString();
      slots += insn.slots;
    }
    if (prog.btf) {
      for (const list of [prog.btf.funcInfos, prog.btf.lineInfos, prog.btf.coreRelos]) {
        for (const r of list) check(r.insnOff >= 0 && r.insnOff < slots, `program ${name}: ext info at ${r.insnOff} of ${slots}`);
      }
    }
  }
  const walkMap = (m: CollectionMapSpec, name: string) => {
    for (const n of [m.keySize, m.valueSize, m.maxEntries]) check(Number.isInteger(n) && n >= 0, `map ${name}: size ${n}`);
    for (const e of m.contents ?? []) {
      if (e.value instanceof Uint8Array) check(e.value.byteLength <= Math.max(m.valueSize, e.value.byteLength), `map ${name}`);
    }
    if (m.key) formatType(m.key);
    if (m.value) formatType(m.value);
    if (m.innerMap) walkMap(m.innerMap, `${name} inner`);
  };
  for (const [name, m] of Object.entries(spec.maps)) {
    check(m.name === name, `map ${name} is named ${m.name}`);
    walkMap(m, name);
  }
  for (const [name, v] of Object.entries(spec.variables)) {
    const map = spec.maps[v.sectionName];
    check(map !== undefined, `variable ${name}: no map ${v.sectionName}`);
    // Copying a huge (zero-filled, so lazily allocated) .bss variable is the caller's choice.
    if (v.size <= 1 << 20) check(v.get().byteLength === v.size, `variable ${name}: get() is not ${v.size} bytes`);
    check(v.offset + v.size <= map!.valueSize, `variable ${name} beyond its map`);
  }
  for (const [name, e] of Object.entries(spec.externs)) check(e.name === name, `extern ${name} is named ${e.name}`);
  if (spec.types) {
    let n = 0;
    for (const t of spec.types) {
      formatType(t);
      n++;
    }
    check(n === spec.types.typeCount, `BTF: iterated ${n} of ${spec.types.typeCount} types`);
  }
}

interface Outcome {
  readonly accepted: boolean;
  readonly rejectedBy?: string;
  readonly violation?: string;
}

/** Parses and walks one input, classifying the result. */
function runOne(bytes: Uint8Array): Outcome {
  let spec: CollectionSpec;
  try {
    spec = loadCollectionSpecFromBuffer(bytes);
  } catch (err) {
    const violation = contractViolation(err);
    return violation === undefined ? { accepted: false, rejectedBy: (err as Error).name } : { accepted: false, violation };
  }
  try {
    walk(spec);
  } catch (err) {
    // Lazily decoded BTF may still turn out malformed while walking: that too must be typed.
    const violation = contractViolation(err);
    if (violation === undefined) return { accepted: true, rejectedBy: `walk ${(err as Error).name}` };
    return { accepted: true, violation: `walking the spec: ${violation}` };
  }
  return { accepted: true };
}

/** Groups failures by kind and by where they were thrown, not by the input's numbers. */
function signature(problem: string): string {
  const [first = "", ...stack] = problem.split("\n");
  return `${first.replace(/:.*$/, "").replace(/\d+/g, "#")} ${stack[0]?.trim() ?? ""}`;
}

function memory(): { heap: number; rss: number; buffers: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, buffers: m.arrayBuffers };
}

const corpus = loadCorpus();

/** The LoadError `bytes` must be refused with: raised by the loader itself, not its last resort. */
function refusal(bytes: Uint8Array): LoadError {
  try {
    loadCollectionSpecFromBuffer(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(LoadError);
    expect(contractViolation(err)).toBeUndefined();
    return err as LoadError;
  }
  throw new Error("the corrupted object was accepted");
}

// Inputs the fuzzer found, reduced to the one field that matters (asm_memory.o: .data holds
// `big` (symbol 13), .bss is section 8, .maps holds `counters` (symbol 20), and the socket
// section starts loads_stores (symbol 12) at 0 and atomics (symbol 16) at 392).
describe("loader fuzzing: found failures", () => {
  const memory = new Uint8Array(readFileSync(join(root, "bpf/asm_memory.o")));

  it("refuses a variable outside its data section (was an ArgumentError from VariableSpec)", () => {
    expect(refusal(withField(memory, "symbol 13.st_value", 0x1000n)).message).toMatch(/variable big at \[4096, 4104\) is outside the section/);
  });

  it("refuses two functions starting at the same offset (was a TypeError)", () => {
    expect(refusal(withField(memory, "symbol 16.st_value", 0n)).message).toMatch(/functions \w+ and \w+ both start at offset 0/);
  });

  it("refuses a .bss too large for a map value before allocating it (was a RangeError or GiBs)", () => {
    expect(refusal(withField(memory, ".bss.sh_size", 0x1_0000_0000n)).message).toMatch(/data section .bss is 4294967296 bytes/);
    expect(refusal(withField(memory, ".bss.sh_size", 0x40_0000_0000n)).message).toMatch(/more than any array map value/);
  });

  it("refuses a BTF map definition outside .maps (was silently cut short)", () => {
    expect(refusal(withField(memory, "symbol 20.st_value", 0x100n)).message).toMatch(/map counters: definition at \[256, \d+\) outside section .maps/);
  });

  it("formats a function prototype that is its own parameter (was a stack overflow)", () => {
    const proto = new FuncProto();
    const ptr = new Pointer({ target: proto });
    proto.return = ptr;
    proto.params = [{ name: "self", type: ptr }, { name: "again", type: ptr }];
    expect(formatType(proto)).toContain("...");
  });
});

describe("loader fuzzing", () => {
  it("parses every pristine object (or refuses the invalid ones with a LoadError)", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(5);
    for (const c of corpus) {
      const invalid = INVALID_ORIGINALS[c.name];
      if (invalid) {
        expect(() => loadCollectionSpecFromBuffer(c.bytes), c.name).toThrow(invalid);
        continue;
      }
      expect(runOne(c.bytes), c.name).toEqual({ accepted: true });
    }
  });

  it(
    `survives mutated objects (seed ${SEED}, ~${SECONDS} s)`,
    () => {
      const deadline = performance.now() + SECONDS * 1000;
      const base = memory();
      const peak = { ...base };
      const stats = { tried: 0, accepted: 0, walkRejected: 0, slowestCpu: 0, slowestWall: 0, slowestInput: "" };
      const rejected = new Map<string, number>();
      const byStrategy = new Map<string, { tried: number; accepted: number }>();
      // One example per kind of failure (message without numbers, plus where it was thrown).
      const failures = new Map<string, { report: string; count: number }>();
      const first = ONLY ?? 0;
      const last = ONLY ?? MAX_ITERATIONS - 1;
      for (let i = first; i <= last; i++) {
        if (ONLY === undefined && performance.now() > deadline) break;
        const rng = new Rng(inputSeed(SEED, i));
        const picked = corpus[rng.int(corpus.length)]!;
        const c = FILE === undefined ? picked : corpus.find((x) => x.name === FILE);
        if (c === undefined) throw new Error(`EBPF_FUZZ_FILE ${FILE} is not in the corpus`);
        const strategy = rng.pick(c.strategies);
        const { bytes, steps } = mutate(rng, c.bytes, c.targets, strategy);
        const wallStart = performance.now();
        const cpuStart = process.cpuUsage();
        const outcome = runOne(bytes);
        const cpu = process.cpuUsage(cpuStart);
        // CPU time, not wall time, so a busy CI machine cannot fake a hang.
        const cpuMs = (cpu.user + cpu.system) / 1000;
        const wallMs = performance.now() - wallStart;
        const replay = `EBPF_FUZZ_SEED=${SEED} EBPF_FUZZ_ITERATION=${i} EBPF_FUZZ_FILE=${c.name}: ${strategy}: ${steps.join("; ")}`;
        const now = memory();
        stats.tried++;
        const s = byStrategy.get(strategy) ?? { tried: 0, accepted: 0 };
        s.tried++;
        if (outcome.accepted && outcome.rejectedBy === undefined) {
          stats.accepted++;
          s.accepted++;
        }
        byStrategy.set(strategy, s);
        if (outcome.rejectedBy !== undefined) {
          if (outcome.accepted) stats.walkRejected++;
          rejected.set(outcome.rejectedBy, (rejected.get(outcome.rejectedBy) ?? 0) + 1);
        }
        if (cpuMs > stats.slowestCpu) {
          stats.slowestCpu = cpuMs;
          stats.slowestInput = replay;
        }
        stats.slowestWall = Math.max(stats.slowestWall, wallMs);
        peak.heap = Math.max(peak.heap, now.heap);
        peak.rss = Math.max(peak.rss, now.rss);
        peak.buffers = Math.max(peak.buffers, now.buffers);
        const problems: string[] = [];
        if (outcome.violation !== undefined) problems.push(outcome.violation);
        if (cpuMs > PARSE_LIMIT_MS) problems.push(`took ${cpuMs.toFixed(0)} ms of CPU (limit ${PARSE_LIMIT_MS} ms)`);
        // Array buffers are only counted: a large .bss is zero-filled lazily and costs no memory.
        for (const k of ["heap", "rss"] as const) {
          if (now[k] - base[k] > MEMORY_LIMIT) problems.push(`${k} grew by ${((now[k] - base[k]) / 2 ** 20).toFixed(0)} MiB`);
        }
        if (problems.length > 0 || ONLY !== undefined) {
          const report =
            `${replay}\n  ` +
            (problems.length > 0 ? problems.join("\n  ") : JSON.stringify(outcome));
          if (problems.length === 0) console.log(report);
          for (const p of problems) {
            const key = signature(p);
            const f = failures.get(key);
            if (f) f.count++;
            else failures.set(key, { report, count: 1 });
          }
        }
      }
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
      console.log(
        [
          `loader fuzz: seed ${SEED} (replay with EBPF_FUZZ_SEED=${SEED}), ${corpus.length} objects`,
          `  inputs ${stats.tried}, accepted ${stats.accepted}, rejected ${stats.tried - stats.accepted}` +
            ` (while walking: ${stats.walkRejected})`,
          `  slowest input: ${stats.slowestCpu.toFixed(1)} ms CPU (${stats.slowestInput}); slowest wall ${stats.slowestWall.toFixed(1)} ms`,
          `  rejected by: ${[...rejected].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`,
          `  by strategy: ${[...byStrategy].map(([k, v]) => `${k} ${v.accepted}/${v.tried}`).join(", ")}`,
          `  memory growth (peak): heap ${mib(peak.heap - base.heap)}, rss ${mib(peak.rss - base.rss)}, ` +
            `array buffers ${mib(peak.buffers - base.buffers)}`,
        ].join("\n"),
      );
      const list = [...failures.values()].map((f) => `${f.count}x ${f.report}`);
      expect(list, `fuzz failures (seed ${SEED}):\n${list.join("\n")}`).toEqual([]);
      expect(stats.tried).toBeGreaterThan(0);
    },
    (SECONDS + 30) * 1000,
  );
});

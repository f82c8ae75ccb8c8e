/**
 * `newCollection` / `loadAndAssign`: a {@link CollectionSpec} -> kernel objects. Maps are created
 * (or reused from their pins) and filled, `.rodata` frozen, then programs have their references
 * resolved and are loaded, and finally program-array and map-in-map slots are filled.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { KERNEL_BTF_DIR, loadKernelModuleSpec, loadKernelSpec, type LineInfo, type Spec as BTFSpec, type Type } from "../btf/index.js";
import { btfGetFdByName, closeRaw, startBpfQueue, type BpfQueue } from "../syscall/index.js";
import { loadBTF, type LoadedBTF } from "../prog/object-btf.js";
import { loadObjectBTF } from "../prog/object-btf-raw.js";
import { ArgumentError, EbpfError, LoadError } from "../errors.js";
import { BpfMap, newMap } from "../map/index.js";
import { queueMapCreate, type PendingMap } from "../map/create-on-worker.js";
import { setMapTypes } from "../map/typed.js";
import { MapType } from "../map/types.js";
import { possibleCPUs } from "../internal/possible-cpus.js";
import { Program, type ProgramOptions } from "../prog/index.js";
import { mayLoadOnWorker, programBatchStarting, programQueue, type PendingProgram } from "../prog/load-on-worker.js";
import { loadPreparedProgram, prepareProgram } from "../prog/program.js";
import { ProgramType } from "../prog/types.js";
import { kconfigContents } from "./kconfig.js";
import { resolveReferences, type ReferenceTargets } from "./references.js";
import { loadedVariables, type Variable } from "./variable.js";
import type { CollectionMapSpec, CollectionProgramSpec, CollectionSpec } from "./spec.js";

/** Options of {@link newCollection}. */
export interface CollectionOptions {
  readonly programs?: ProgramOptions & {
    /** BTF to resolve CO-RE relocations and attach targets against; the running kernel's by default. */
    readonly kernelTypes?: BTFSpec;
  };
  readonly maps?: {
    /** bpffs directory for maps with `pinning: PinType.ByName`. */
    readonly pinPath?: string;
  };
  /** Existing maps to use instead of creating the spec's map of the same name. */
  readonly mapReplacements?: Readonly<Record<string, BpfMap>>;
  /**
   * Let worker threads verify programs beside the calling thread (the default; see
   * {@link newCollection}): the collection is ready sooner, for more CPU time in all (the threads'
   * context switches, and a verification runs slower beside another). `false` makes every `bpf()`
   * call of the load on the calling thread and starts no worker: the least CPU time, for a process
   * on a busy or CPU-limited machine.
   */
  readonly parallel?: boolean;
}

/**
 * The maps and programs made from a {@link CollectionSpec}. Closing it closes everything it owns
 * (replacement maps stay the caller's).
 *
 * @example
 * ```ts
 * import { loadCollectionSpec, newCollection } from "ebpf";
 * using coll = newCollection(await loadCollectionSpec("bpf/xdp_count.o"));
 * coll.programs.xdp_count.run({ data: new Uint8Array(64) });
 * ```
 */
export class Collection {
  readonly #owned: { close(): void }[];

  constructor(
    readonly maps: Record<string, BpfMap>,
    readonly programs: Record<string, Program>,
    /** Global variables of the loaded data sections, read and written in place (mmap, 5.5+). */
    readonly variables: Record<string, Variable>,
    owned: { close(): void }[],
  ) {
    this.#owned = owned;
  }

  /** Close every map, program and mapping the collection created. */
  close(): void {
    // Mappings first: they were created last and refer to the maps.
    for (const o of this.#owned.splice(0).reverse()) o.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Create every map and load every program of `spec` (programs whose section starts with `?`, and
 * functions of unknown sections, are skipped).
 *
 * Programs of 64 or more instructions may be verified on worker threads (one fewer than the CPUs,
 * at most three; started in the background by a process's second collection, unref'd, and ended
 * 30 s after the last load, as each holds about 10 MiB), so that the kernel verifies one while
 * this thread prepares and loads the next; the collection is the same as one loaded program by
 * program, and a refused program is loaded again on this thread for its log. Not while a
 * verifier log is asked for, when programs call kfuncs of kernel modules, or with
 * `parallel: false`.
 *
 * @throws {LoadError} for references the spec cannot satisfy.
 * @throws {VerifierError} when the kernel rejects a program, with the verifier log.
 * @example
 * ```ts
 * import { loadCollectionSpec, newCollection } from "ebpf";
 * const spec = await loadCollectionSpec("bpf/xdp_count.o");
 * const coll = newCollection(spec, { maps: { pinPath: "/sys/fs/bpf/myapp" } });
 * coll.close();
 * ```
 */
export function newCollection(spec: CollectionSpec, options: CollectionOptions = {}): Collection {
  const programs = Object.values(spec.programs)
    .filter((p) => p.autoload && p.type !== ProgramType.UnspecifiedProgram)
    .map((p) => p.name);
  return load(spec, Object.keys(spec.maps), programs, options);
}

/**
 * Load only the named maps and programs (plus the maps those programs use), as cilium/ebpf's
 * `LoadAndAssign` does.
 *
 * @example
 * ```ts
 * import { loadAndAssign, loadCollectionSpec } from "ebpf";
 * const spec = await loadCollectionSpec("bpf/loader.o");
 * using objs = loadAndAssign(spec, { programs: ["xdp_prog"] });
 * objs.programs.xdp_prog.run({ data: new Uint8Array(15) });
 * ```
 */
export function loadAndAssign(
  spec: CollectionSpec,
  names: { readonly maps?: readonly string[]; readonly programs?: readonly string[] },
  options: CollectionOptions = {},
): Collection {
  const programs = [...(names.programs ?? [])];
  for (const p of programs) if (!spec.programs[p]) throw new ArgumentError(`program ${p} is not in the spec`);
  const maps = new Set(names.maps ?? []);
  for (const m of maps) if (!spec.maps[m]) throw new ArgumentError(`map ${m} is not in the spec`);
  for (const p of programs) for (const m of mapsUsedBy(spec, spec.programs[p]!)) maps.add(m);
  return load(spec, [...maps], programs, options);
}

function mapsUsedBy(spec: CollectionSpec, prog: CollectionProgramSpec): Set<string> {
  const used = new Set<string>();
  const insns = prog.instructions;
  if (insns instanceof Uint8Array) return used;
  const add = (name: string) => {
    const m = spec.maps[name];
    if (!m || used.has(name)) return;
    used.add(name);
    for (const entry of m.contents ?? []) {
      const v = entry.value;
      if (!(v instanceof Uint8Array) && "map" in v) add(v.map);
    }
  };
  for (const insn of insns) if (insn.reference !== undefined) add(insn.reference);
  return used;
}

function load(spec: CollectionSpec, mapNames: string[], progNames: string[], options: CollectionOptions): Collection {
  const owned: { close(): void }[] = [];
  const maps: Record<string, BpfMap> = {};
  const programs: Record<string, Program> = {};
  let btf: LoadedBTF | undefined;
  // The workers take large maps and programs from one queue, opened now so that they are awake
  // by its first entry; only when a program is worth one (for maps alone, waking a worker cost
  // about what it saved: bench_load_small.o +15-50 µs).
  const progOptions = options.programs ?? {};
  const parallel = options.parallel !== false && progNames.length > 0;
  if (parallel) programBatchStarting();
  const onWorkers = parallel && progNames.some((name) => mayLoadOnWorker(spec.programs[name]!.instructions.length, progOptions));
  const queue = onWorkers ? startBpfQueue() : undefined;
  try {
    btf = spec.types ? sharedBTF(spec, mapNames, progNames) : undefined;
    // Large maps may be created on a worker while this thread creates the rest; the record
    // keeps the spec's order.
    const made: (BpfMap | PendingMap | undefined)[] = [];
    for (const name of mapNames) {
      const map = options.mapReplacements?.[name] ? undefined : createMap(spec.maps[name]!, options, btf, queue);
      if (map) owned.push(map);
      made.push(map);
    }
    for (const [i, name] of mapNames.entries()) {
      const map = made[i];
      if (map === undefined) maps[name] = options.mapReplacements![name]!;
      else if (map instanceof BpfMap) maps[name] = map;
      else owned.push((maps[name] = map.finish()));
    }
    for (const name of mapNames) {
      if (!options.mapReplacements?.[name]) fillData(spec, spec.maps[name]!, maps[name]!);
    }
    let kernelTypes: BTFSpec | undefined = options.programs?.kernelTypes;
    const targets = {
      maps: new Map(Object.entries(maps)),
      externs: spec.externs,
      kernelTypes: () => (kernelTypes ??= loadKernelSpec()),
      // Module kfuncs are looked up only against the running kernel, not user-given types.
      moduleTypes: options.programs?.kernelTypes ? undefined : loadedModuleTypes,
    };
    loadPrograms(spec, progNames, queue, options, targets, btf, programs, owned);
    for (const name of mapNames) {
      if (!options.mapReplacements?.[name]) fillReferences(spec.maps[name]!, maps[name]!, maps, programs);
    }
    const { variables, mappings } = loadedVariables(spec.variables, maps);
    owned.push(...mappings);
    return new Collection(maps, programs, variables, owned);
  } catch (err) {
    queue?.close();
    for (const o of owned.reverse()) o.close();
    throw err;
  } finally {
    btf?.close();
  }
}

type Targets = Omit<ReferenceTargets, "moduleSlot" | "moduleFd">;

// Programs are prepared in spec order; with a `queue`, each goes to it for the workers to take as
// they come free while this thread prepares the next, then this thread takes the rest.
// `programs` gets them in spec order, and a failure is the first program's in that order, as if
// they had loaded one by one.
function loadPrograms(
  spec: CollectionSpec,
  progNames: readonly string[],
  queue: BpfQueue | undefined,
  options: CollectionOptions,
  targets: Targets,
  btf: LoadedBTF | undefined,
  programs: Record<string, Program>,
  owned: { close(): void }[],
): void {
  const progOptions = options.programs ?? {};
  const progQueue = queue && programQueue(queue);
  const loaded: (Program | PendingProgram)[] = [];
  let failure: { at: number; err: unknown } | undefined;
  try {
    for (let i = 0; i < progNames.length && failure === undefined; i++) {
      const name = progNames[i]!;
      const p = spec.programs[name]!;
      const modules = new ModuleBTFSlots();
      try {
        if (p.instructions instanceof Uint8Array) throw new LoadError(`program ${name}: raw instruction bytes cannot be relocated`);
        // Listed, not spread: a spread that adds closures costs V8 a microsecond a program.
        const instructions = resolveReferences(name, p.instructions, {
          maps: targets.maps,
          externs: targets.externs,
          kernelTypes: targets.kernelTypes,
          moduleTypes: targets.moduleTypes,
          moduleSlot: (m) => modules.slot(m),
          moduleFd: (m) => modules.fd(m),
        });
        const programOptions = { ...progOptions, kernelTypes: targets.kernelTypes, btf, fdArray: modules.fdArray() };
        const prepared = prepareProgram({ ...p, instructions }, programOptions);
        // Module BTF fds are closed below, so such a program loads before they are.
        const pending = modules.empty ? progQueue?.add(prepared, programOptions) : undefined;
        loaded.push(pending ?? loadPreparedProgram(prepared, programOptions));
      } catch (err) {
        failure = { at: i, err };
      } finally {
        modules.close();
      }
    }
  } finally {
    progQueue?.close();
  }
  // Every load in flight is waited for, even after a failure, so that its fd is owned and closed.
  for (let i = 0; i < loaded.length; i++) {
    let prog = loaded[i]!;
    if (!(prog instanceof Program)) {
      try {
        prog = prog.finish();
      } catch (err) {
        if (failure === undefined || i < failure.at) failure = { at: i, err };
        continue;
      }
    }
    owned.push(prog);
    programs[progNames[i]!] = prog;
  }
  if (failure !== undefined) throw failure.err;
}

// One BTF object for the whole load — the maps' key/value types and the programs' functions —
// as libbpf loads one per object: each BPF_BTF_LOAD costs a kernel BTF verification.
function sharedBTF(spec: CollectionSpec, mapNames: readonly string[], progNames: readonly string[]): LoadedBTF | undefined {
  const types: Type[] = [];
  const lines: LineInfo[] = [];
  for (const name of mapNames) {
    const m = spec.maps[name]!;
    if (withoutBTF.has(m.type)) continue;
    if (m.key) types.push(m.key);
    if (m.value) types.push(m.value);
  }
  let ownBTF = true;
  for (const name of progNames) {
    const btf = spec.programs[name]!.btf;
    if (!btf) continue;
    ownBTF &&= btf.spec === spec.types;
    for (const f of btf.funcInfos) types.push(f.func);
    for (const l of btf.lineInfos) lines.push(l);
  }
  // The object's BTF as it is when it can go so, else just the types used, marshalled.
  return (ownBTF && spec.types ? loadObjectBTF(spec.types, types, lines) : undefined) ?? loadBTF(types, lines);
}

// Map types whose creation refuses key/value BTF (queue and stack have no key and no
// map_check_btf, so the kernel returns EINVAL); libbpf leaves BTF out for the same list.
const withoutBTF: ReadonlySet<MapType> = new Set<MapType>([
  MapType.PerfEventArray,
  MapType.CGroupArray,
  MapType.StackTrace,
  MapType.ArrayOfMaps,
  MapType.HashOfMaps,
  MapType.DevMap,
  MapType.DevMapHash,
  MapType.CPUMap,
  MapType.XSKMap,
  MapType.SockMap,
  MapType.SockHash,
  MapType.Queue,
  MapType.Stack,
]);

// With a `queue`, a large map may be created on a worker (see load).
function createMap(
  m: CollectionMapSpec,
  options: CollectionOptions,
  btf: LoadedBTF | undefined,
  queue: BpfQueue | undefined,
): BpfMap | PendingMap {
  if (m.extra?.some((b) => b !== 0)) {
    throw new LoadError(`map ${m.name}: its definition has ${m.extra.length} bytes the loader does not understand`);
  }
  let mapSpec: CollectionMapSpec = m;
  if (m.type === MapType.PerfEventArray) {
    // One slot per possible CPU, whatever the object says (as cilium/ebpf clamps it).
    const cpus = possibleCPUs();
    mapSpec = { ...m, keySize: 4, valueSize: 4, maxEntries: m.maxEntries === 0 ? cpus : Math.min(m.maxEntries, cpus) };
  }
  // The kernel keeps 15 characters of [A-Za-z0-9_.]; longer object names are cut, as cilium/ebpf
  // does (pins keep the cut name too).
  mapSpec = { ...mapSpec, name: kernelName(m.name), ...(m.innerMap ? { innerMap: { ...m.innerMap, name: kernelName(m.innerMap.name) } } : {}) };
  const key = m.key ? btf?.typeIDs.get(m.key) ?? 0 : 0;
  const value = m.value ? btf?.typeIDs.get(m.value) ?? 0 : 0;
  const useBTF = btf !== undefined && !withoutBTF.has(m.type) && (key !== 0 || value !== 0);
  const mapOptions = {
    ...(options.maps?.pinPath ? { pinPath: options.maps.pinPath } : {}),
    ...(useBTF ? { btf: { fd: btf.fd, keyTypeId: key, valueTypeId: value } } : {}),
  };
  // Kept for map.typed(), whether or not the kernel was given them.
  const typed = (map: BpfMap) => {
    setMapTypes(map, m.key, m.value);
    return map;
  };
  try {
    const pending = queue && queueMapCreate(mapSpec, mapOptions, queue);
    if (pending === undefined) return typed(newMap(mapSpec, mapOptions));
    return {
      finish: () => {
        try {
          return typed(pending.finish());
        } catch (err) {
          throw mapLoadError(m, err);
        }
      },
      close: () => pending.close(),
    };
  } catch (err) {
    throw mapLoadError(m, err);
  }
}

function mapLoadError(m: CollectionMapSpec, err: unknown): unknown {
  return err instanceof EbpfError ? new LoadError(`map ${m.name}: ${err.message}`, { cause: err }) : err;
}

/** Module BTF fds one program's kfunc calls (by `fd_array` slot, from 1) and typed ksyms refer to. */
class ModuleBTFSlots {
  readonly #fds: number[] = [];
  readonly #slots = new Map<string, number>();

  slot(module: string): number {
    let slot = this.#slots.get(module);
    if (slot === undefined) {
      const fd = btfGetFdByName(module);
      if (fd === undefined) throw new LoadError(`kernel module ${module}: its BTF is not loaded`);
      this.#fds.push(fd);
      slot = this.#fds.length;
      this.#slots.set(module, slot);
    }
    return slot;
  }

  /** The module's BTF fd (open until `close`), for a typed ksym's lddw. */
  fd(module: string): number {
    return this.#fds[this.slot(module) - 1]!;
  }

  /** Whether no module BTF was opened. */
  get empty(): boolean {
    return this.#fds.length === 0;
  }

  fdArray(): number[] | undefined {
    return this.#fds.length === 0 ? undefined : [0, ...this.#fds];
  }

  close(): void {
    for (const fd of this.#fds.splice(0)) closeRaw(fd);
  }
}

// Every loaded module with BTF (/sys/kernel/btf/<module>, 5.11+); each parsed once, by the
// default kernel BTF cache.
function loadedModuleTypes(): ReadonlyMap<string, BTFSpec> {
  const specs = new Map<string, BTFSpec>();
  let names: string[] = [];
  try {
    names = readdirSync(KERNEL_BTF_DIR).filter((n) => n !== "vmlinux");
  } catch {
    // No sysfs BTF: no modules to search.
  }
  for (const name of names) {
    try {
      specs.set(name, loadKernelModuleSpec(name));
    } catch (err) {
      if (!(err instanceof EbpfError)) throw err;
    }
  }
  return specs;
}

function kernelName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]/g, "").slice(0, 15);
}

function fillData(spec: CollectionSpec, m: CollectionMapSpec, map: BpfMap): void {
  if (m.name === ".kconfig") {
    map.update(0, kconfigContents(spec.externs, m.valueSize, spec.byteOrder === "little"));
  }
  for (const entry of m.contents ?? []) {
    if (entry.value instanceof Uint8Array) map.update(entry.key, entry.value);
  }
  if (m.freeze) map.freeze();
}

function fillReferences(
  m: CollectionMapSpec,
  map: BpfMap,
  maps: Record<string, BpfMap>,
  programs: Record<string, Program>,
): void {
  for (const entry of m.contents ?? []) {
    const v = entry.value;
    if (v instanceof Uint8Array) continue;
    if ("program" in v) {
      const prog = programs[v.program];
      // cilium/ebpf refuses a prog array whose programs are not loaded with it: the kernel would
      // leave the slot empty and the tail call would silently fall through.
      if (!prog) throw new LoadError(`map ${m.name}: slot ${String(entry.key)} needs program ${v.program}, which is not loaded`);
      map.update(entry.key, prog);
    } else {
      const inner = maps[v.map];
      if (!inner) throw new LoadError(`map ${m.name}: slot ${String(entry.key)} needs map ${v.map}, which is not loaded`);
      map.update(entry.key, inner);
    }
  }
}

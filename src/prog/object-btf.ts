/**
 * What a program loaded from an object carries besides its instructions: CO-RE relocations
 * applied against kernel BTF, and the object's BTF with func_info / line_info so verifier logs
 * and stack traces show source lines (func_info 5.0+, line_info 5.0+).
 *
 * @module
 */
import type { Instruction } from "../asm/index.js";
import {
  applyCOREFixups,
  coreRelocate,
  marshalSpec,
  type CORERelocation,
  type FuncInfo,
  type LineInfo,
  type Spec,
  type Type,
} from "../btf/index.js";
import { btfLoad, closeRaw, SyscallError } from "../syscall/index.js";

/** BTF-derived metadata of a program, with instruction offsets in 8-byte slots. */
export interface ProgramBTF {
  /** The object's BTF, loaded into the kernel with the program. */
  readonly spec: Spec;
  readonly funcInfos: readonly FuncInfo[];
  readonly lineInfos: readonly LineInfo[];
  readonly coreRelos: readonly CORERelocation[];
}

/**
 * Apply the program's CO-RE relocations against `kernelTypes` (the running kernel's BTF and its
 * modules when undefined). A function is called only when there are relocations, so a program
 * without any never parses kernel BTF. Unsatisfiable relocations are poisoned, as libbpf does.
 *
 * @example
 * ```ts
 * const insns = applyCORE(spec.instructions, spec.btf, undefined);
 * ```
 */
export function applyCORE(
  insns: readonly Instruction[],
  btf: ProgramBTF,
  kernelTypes: Spec | (() => Spec) | undefined,
): readonly Instruction[] {
  if (btf.coreRelos.length === 0) return insns;
  const target = typeof kernelTypes === "function" ? kernelTypes() : kernelTypes;
  const fixups = coreRelocate(btf.coreRelos, btf.spec, target ? [target] : undefined);
  return applyCOREFixups(insns, fixups, { indexing: "slot" });
}

/**
 * BTF loaded into the kernel for programs (and maps): the types they name, with the strings of
 * their line info appended to the string table. Only what is used goes to the kernel, so
 * object-level data sections (`license`, `.ksyms` …) never reach the BTF verifier. A collection
 * loads one for all its maps and programs, as libbpf loads one per object.
 */
export interface LoadedBTF {
  readonly fd: number;
  /** Each type's id in the loaded BTF. */
  readonly typeIDs: ReadonlyMap<Type, number>;
  /** Each line record string's offset in the loaded string table; empty with `ownLineOffsets`. */
  readonly strings: ReadonlyMap<string, number>;
  /**
   * True when this is the object's own BTF, whose string table the line records' own offsets
   * (`fileNameOffset`, `lineOffset`) point into: they were checked when it was loaded.
   */
  readonly ownLineOffsets?: boolean;
  close(): void;
}

/**
 * Marshal `types` (and everything they refer to) plus the strings of `lineInfos`, and load them
 * with BPF_BTF_LOAD. Returns undefined when there is nothing to load or the kernel refuses it
 * (no BTF support, kinds it does not know): programs and maps then load without BTF, as libbpf
 * does.
 *
 * @example
 * ```ts
 * const btf = loadBTF(spec.btf.funcInfos.map((f) => f.func), spec.btf.lineInfos);
 * btf?.close();
 * ```
 */
export function loadBTF(types: Iterable<Type>, lineInfos: Iterable<LineInfo>): LoadedBTF | undefined {
  const list = [...new Set(types)];
  if (list.length === 0) return undefined;
  const { bytes, typeIDs, strings } = marshalSpec(list, { strings: lineStrings(lineInfos) });
  const fd = tryBTFLoad(bytes);
  return fd === undefined ? undefined : { fd, typeIDs, strings, close: () => closeRaw(fd) };
}

/**
 * BPF_BTF_LOAD of `bytes`: the fd, or undefined when the kernel refuses the BTF (no BTF support,
 * kinds it does not know), since programs and maps then load without it, as libbpf does.
 *
 * @example
 * ```ts
 * const fd = tryBTFLoad(marshalSpec([u32]).bytes);
 * ```
 */
export function tryBTFLoad(bytes: Uint8Array): number | undefined {
  try {
    return btfLoad(bytes);
  } catch (err) {
    if (err instanceof SyscallError) return undefined;
    throw err;
  }
}

// The file names and source lines that line_info names by string offset, each once: a program
// has a few hundred records over a few dozen lines.
function lineStrings(lineInfos: Iterable<LineInfo>): Set<string> {
  const out = new Set<string>();
  for (const l of lineInfos) {
    out.add(l.fileName);
    out.add(l.line);
  }
  return out;
}

/** The BTF-related attributes of BPF_PROG_LOAD, and the BTF fd to close after loading. */
export interface ProgramBTFAttrs {
  readonly progBtfFd: number;
  readonly funcInfo: Uint8Array;
  readonly funcInfoCnt: number;
  readonly lineInfo: Uint8Array;
  readonly lineInfoCnt: number;
  close(): void;
}

/** sizeof(struct bpf_func_info). */
export const FUNC_INFO_SIZE = 8;
/** sizeof(struct bpf_line_info). */
export const LINE_INFO_SIZE = 16;

/**
 * Encode func_info and line_info for BPF_PROG_LOAD against `shared` BTF when it holds the
 * program's functions, else against BTF loaded for this program alone. Returns undefined when the
 * kernel refuses the BTF: the program then loads without it, as libbpf does.
 *
 * @example
 * ```ts
 * const attrs = programBTFAttrs(spec.btf);
 * attrs?.close();
 * ```
 */
export function programBTFAttrs(btf: ProgramBTF, shared?: LoadedBTF): ProgramBTFAttrs | undefined {
  if (btf.funcInfos.length === 0) return undefined;
  const usable = shared && btf.funcInfos.every((f) => shared.typeIDs.has(f.func));
  const m = usable ? shared : loadBTF(btf.funcInfos.map((f) => f.func), btf.lineInfos);
  if (!m) return undefined;
  // The kernel reads these records in host byte order: a Uint32Array writes exactly that.
  const funcs = btf.funcInfos;
  const funcInfo = new Uint32Array(Math.max(1, funcs.length * (FUNC_INFO_SIZE / 4)));
  for (let i = 0, at = 0; i < funcs.length; i++, at += FUNC_INFO_SIZE / 4) {
    const f = funcs[i]!;
    funcInfo[at] = f.insnOff;
    funcInfo[at + 1] = m.typeIDs.get(f.func)!;
  }
  const lines = btf.lineInfos;
  const own = m.ownLineOffsets === true;
  const lineInfo = new Uint32Array(Math.max(1, lines.length * (LINE_INFO_SIZE / 4)));
  for (let i = 0, at = 0; i < lines.length; i++, at += LINE_INFO_SIZE / 4) {
    const l = lines[i]!;
    lineInfo[at] = l.insnOff;
    lineInfo[at + 1] = own ? l.fileNameOffset! : m.strings.get(l.fileName) ?? 0;
    lineInfo[at + 2] = own ? l.lineOffset! : m.strings.get(l.line) ?? 0;
    lineInfo[at + 3] = (l.lineNumber << 10) | (l.column & 0x3ff);
  }
  return {
    progBtfFd: m.fd,
    funcInfo: new Uint8Array(funcInfo.buffer),
    funcInfoCnt: funcs.length,
    lineInfo: new Uint8Array(lineInfo.buffer),
    lineInfoCnt: lines.length,
    // A shared BTF belongs to its loader (the collection); one loaded here is closed after use.
    close: () => {
      if (m !== shared) m.close();
    },
  };
}

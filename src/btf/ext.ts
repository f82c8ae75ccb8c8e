/**
 * The `.BTF.ext` ELF section: per-section function info, line info and CO-RE relocation records.
 * Its strings are in the `.BTF` string table, so parsing needs the object's {@link Spec}.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import { COREKind, MAX_CORE_KIND } from "./core-kind.js";
import { BTF_MAGIC, type ByteOrder } from "./header.js";
import { Kind, kindName } from "./kind.js";
import type { Spec } from "./spec.js";
import type { Func, Type } from "./types.js";

/** Size of the header up to the line info fields (Linux 5.0). */
const EXT_HEADER_MIN = 24;
/** Size of the header with the CO-RE fields (Linux 5.5 / libbpf 0.0.6). */
const EXT_HEADER_CORE = 32;

const FUNC_INFO_MIN = 8;
const LINE_INFO_MIN = 16;
const CORE_RELO_MIN = 16;

/** Instructions are 8 bytes; records hold byte offsets. */
const INSN_SIZE = 8;

/**
 * One `bpf_func_info`: the function starting at instruction `insnOff` (an index, not bytes).
 *
 * @example
 * ```ts
 * import type { FuncInfo } from "ebpf/btf";
 * const starts = (infos: FuncInfo[]) => infos.map((fi) => `${fi.func.name}@${fi.insnOff}`);
 * ```
 */
export interface FuncInfo {
  insnOff: number;
  typeID: number;
  func: Func;
}

/**
 * One `bpf_line_info`: the source line of instruction `insnOff` (an index, not bytes).
 *
 * @example
 * ```ts
 * import type { LineInfo } from "ebpf/btf";
 * const where = (li: LineInfo) => `${li.fileName}:${li.lineNumber}:${li.column}`;
 * ```
 */
export interface LineInfo {
  insnOff: number;
  fileName: string;
  line: string;
  lineNumber: number;
  column: number;
  /**
   * Offsets of `fileName` and `line` in the string table of the BTF the record was read from, so
   * that BTF can go to the kernel as it is; absent in records made by hand.
   */
  fileNameOffset?: number;
  lineOffset?: number;
}

/**
 * One `bpf_core_relo`: the instruction at `insnOff` (an index) needs `kind` resolved for local
 * type `type` along `accessor` (the access string `"0:1:2"` as numbers).
 *
 * @example
 * ```ts
 * import { coreKindName, type CORERelocation } from "ebpf/btf";
 * const show = (r: CORERelocation) => `${coreKindName(r.kind)} ${r.type.name} ${r.accessStr}`;
 * ```
 */
export interface CORERelocation {
  insnOff: number;
  typeID: number;
  type: Type;
  accessStr: string;
  accessor: number[];
  kind: COREKind;
}

/**
 * The records of a `.BTF.ext` section, keyed by ELF section name.
 *
 * @example
 * ```ts
 * import type { ExtInfos } from "ebpf/btf";
 * const count = (ext: ExtInfos) => [...ext.coreRelos.values()].reduce((n, r) => n + r.length, 0);
 * ```
 */
export interface ExtInfos {
  funcInfos: Map<string, FuncInfo[]>;
  lineInfos: Map<string, LineInfo[]>;
  coreRelos: Map<string, CORERelocation[]>;
}

interface Cursor {
  view: DataView;
  le: boolean;
}

/**
 * Parse `.BTF.ext`. Function and relocation type ids are resolved against `spec` (the object's
 * `.BTF`), which also holds the strings.
 *
 * @throws {BTFError} for a malformed section, naming the part and record.
 * @example
 * ```ts
 * import { ElfFile } from "ebpf";
 * import { loadSpecFromBuffer, loadExtInfosFromBuffer } from "ebpf/btf";
 * import { readFileSync } from "node:fs";
 * const elf = ElfFile.parse(readFileSync("prog.o"));
 * const spec = loadSpecFromBuffer(elf.section(".BTF")!.data());
 * const ext = loadExtInfosFromBuffer(elf.section(".BTF.ext")!.data(), elf.byteOrder, spec);
 * ```
 */
export function loadExtInfosFromBuffer(bytes: Uint8Array, byteOrder: ByteOrder, spec: Spec): ExtInfos {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = byteOrder === "little";
  if (bytes.length < EXT_HEADER_MIN) {
    throw new BTFError(`.BTF.ext is ${bytes.length} bytes, shorter than its ${EXT_HEADER_MIN}-byte header`);
  }
  const magic = view.getUint16(0, le);
  if (magic !== BTF_MAGIC) {
    throw new BTFError(`.BTF.ext: bad magic 0x${magic.toString(16)} for ${byteOrder}-endian data`);
  }
  if (view.getUint8(2) !== 1) throw new BTFError(`.BTF.ext: unsupported version ${view.getUint8(2)}`);
  if (view.getUint8(3) !== 0) throw new BTFError(`.BTF.ext: unsupported flags 0x${view.getUint8(3).toString(16)}`);
  const hdrLen = view.getUint32(4, le);
  if (hdrLen < EXT_HEADER_MIN || hdrLen > bytes.length) {
    throw new BTFError(`.BTF.ext: header length ${hdrLen} invalid (section is ${bytes.length} bytes)`);
  }
  const cur: Cursor = { view, le };
  const part = (name: string, offField: number): [number, number] => {
    const off = view.getUint32(offField, le);
    const len = view.getUint32(offField + 4, le);
    const body = bytes.length - hdrLen;
    if (off > body || len > body - off) {
      throw new BTFError(`.BTF.ext: ${name} [${off}, +${len}) beyond end of section (${body} bytes after header)`);
    }
    return [hdrLen + off, len];
  };

  const funcInfos = new Map<string, FuncInfo[]>();
  const lineInfos = new Map<string, LineInfo[]>();
  const coreRelos = new Map<string, CORERelocation[]>();

  const [fOff, fLen] = part("func_info", 8);
  walk(cur, spec, "func_info", fOff, fLen, FUNC_INFO_MIN, (sec, p, i) => {
    const typeID = view.getUint32(p + 4, le);
    const func = resolve(spec, typeID, "func_info", sec, i);
    if (func.kind !== Kind.Func) {
      throw new BTFError(`.BTF.ext: func_info ${sec}[${i}] refers to ${kindName(func.kind)} ${typeID}, not a func`);
    }
    push(funcInfos, sec, { insnOff: insnIndex(view.getUint32(p, le), "func_info", sec, i), typeID, func });
  });

  // Line infos name the same few file names and source lines many times over: one string per
  // offset, so marshalling hashes each once instead of once per record.
  const texts = new Map<number, string>();
  const text = (off: number, sec: string, i: number): string => {
    let t = texts.get(off);
    if (t === undefined) texts.set(off, (t = str(spec, off, "line_info", sec, i)));
    return t;
  };
  const [lOff, lLen] = part("line_info", 16);
  walk(cur, spec, "line_info", lOff, lLen, LINE_INFO_MIN, (sec, p, i) => {
    const lineCol = view.getUint32(p + 12, le);
    const fileNameOffset = view.getUint32(p + 4, le);
    const lineOffset = view.getUint32(p + 8, le);
    push(lineInfos, sec, {
      insnOff: insnIndex(view.getUint32(p, le), "line_info", sec, i),
      fileName: text(fileNameOffset, sec, i),
      line: text(lineOffset, sec, i),
      lineNumber: lineCol >>> 10,
      column: lineCol & 0x3ff,
      fileNameOffset,
      lineOffset,
    });
  });

  if (hdrLen >= EXT_HEADER_CORE) {
    const [cOff, cLen] = part("core_relo", 24);
    walk(cur, spec, "core_relo", cOff, cLen, CORE_RELO_MIN, (sec, p, i) => {
      const typeID = view.getUint32(p + 4, le);
      const accessStr = str(spec, view.getUint32(p + 8, le), "core_relo", sec, i);
      const kind = view.getUint32(p + 12, le);
      if (kind > MAX_CORE_KIND) throw new BTFError(`.BTF.ext: core_relo ${sec}[${i}]: unknown relocation kind ${kind}`);
      if (!/^\d+(:\d+)*$/.test(accessStr)) {
        throw new BTFError(`.BTF.ext: core_relo ${sec}[${i}]: malformed access string "${accessStr}"`);
      }
      push(coreRelos, sec, {
        insnOff: insnIndex(view.getUint32(p, le), "core_relo", sec, i),
        typeID,
        type: resolve(spec, typeID, "core_relo", sec, i),
        accessStr,
        accessor: accessStr.split(":").map(Number),
        kind,
      });
    });
  }
  return { funcInfos, lineInfos, coreRelos };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

// Record `i` of section `sec` in info part `part` is named only when it is wrong: a message per
// record would cost a string for each of thousands.
function insnIndex(byteOff: number, part: string, sec: string, i: number): number {
  if (byteOff % INSN_SIZE !== 0) {
    throw new BTFError(`.BTF.ext: ${part} ${sec}[${i}]: instruction offset ${byteOff} not a multiple of 8`);
  }
  return byteOff / INSN_SIZE;
}

function str(spec: Spec, off: number, part: string, sec: string, i?: number): string {
  if (!spec.strings.has(off)) {
    throw new BTFError(`.BTF.ext: ${part} ${i === undefined ? sec : `${sec}[${i}]`}: string offset ${off} out of range`);
  }
  return spec.strings.lookup(off);
}

function resolve(spec: Spec, id: number, part: string, sec: string, i: number): Type {
  if (id >= spec.nextId) throw new BTFError(`.BTF.ext: ${part} ${sec}[${i}]: type id ${id} out of range`);
  return spec.typeByID(id);
}

/**
 * Walk one info part: `rec_size`, then blocks of (section name, count, records).
 */
function walk(
  cur: Cursor,
  spec: Spec,
  name: string,
  off: number,
  len: number,
  minRec: number,
  each: (sec: string, p: number, i: number) => void,
): void {
  if (len === 0) return;
  const { view, le } = cur;
  const end = off + len;
  if (len < 4) throw new BTFError(`.BTF.ext: ${name} is ${len} bytes, too short for its record size`);
  const recSize = view.getUint32(off, le);
  if (recSize < minRec || recSize % 4 !== 0) {
    throw new BTFError(`.BTF.ext: ${name} record size ${recSize} invalid (minimum ${minRec}, multiple of 4)`);
  }
  let p = off + 4;
  while (p < end) {
    if (end - p < 8) throw new BTFError(`.BTF.ext: ${name}: truncated block header at offset ${p - off}`);
    const sec = str(spec, view.getUint32(p, le), name, `block at offset ${p - off}`);
    const num = view.getUint32(p + 4, le);
    p += 8;
    if (num === 0) throw new BTFError(`.BTF.ext: ${name} for section ${sec} has no records`);
    if (num > (end - p) / recSize) {
      throw new BTFError(`.BTF.ext: ${name} for section ${sec}: ${num} records of ${recSize} bytes overrun the part`);
    }
    for (let i = 0; i < num; i++, p += recSize) each(sec, p, i);
  }
}

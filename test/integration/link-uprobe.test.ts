// Uprobes on the running kernel: symbol resolution against readelf, uprobes / uretprobes /
// uprobe_multi on a freshly compiled binary counted by bpf/getaddrinfo_count.o, the tracefs
// fallback, and the typed errors of bad input.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, ClosedError, NotSupportedError } from "../../src/errors.js";
import { ElfFile } from "../../src/elf/index.js";
import { newCollection, loadCollectionSpec, type Collection } from "../../src/index.js";
import {
  attachPerfEvent,
  attachPerfEventIoctl,
  ExecutableNotFoundError,
  findLibrary,
  LinkType,
  openExecutable,
  SymbolNotFoundError,
} from "../../src/link/index.js";
import { tracefsRoot } from "../../src/link/tracefs.js";
import { openTracefsUprobe } from "../../src/link/uprobe-tracefs.js";
import { FnGetAttachCookie } from "../../src/asm/index.js";
import { haveProgramHelper } from "../../src/features/index.js";
import { ProgramType } from "../../src/prog/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unless, why } from "../helpers/kernel.js";

expectNoFdLeaks();

beforeAll(() => {
  // The tracefs tests need uprobe_events; mount tracefs where the kernel expects it if nobody has.
  if (!existsSync("/sys/kernel/tracing/uprobe_events")) {
    execFileSync("mount", ["-t", "tracefs", "nodev", "/sys/kernel/tracing"]);
  }
});

const object = new URL("../../bpf/getaddrinfo_count.o", import.meta.url).pathname;

const TARGET_C = `
#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) int exported_target(int x) { __asm__ volatile(""); return x + 1; }
__attribute__((noinline, used)) static int static_target(int x) { __asm__ volatile(""); return x * 2; }
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 0, s = 0;
  for (int i = 0; i < n; i++) s += exported_target(i) + static_target(i);
  printf("%d\\n", s);
  return 0;
}
`;

/** The file offset of a symbol as readelf reports it: value - vaddr + offset of its PT_LOAD. */
function readelfOffset(path: string, symbol: string, table: "--syms" | "--dyn-syms"): bigint {
  const syms = execFileSync("readelf", ["-W", table, path], { encoding: "utf8" });
  const line = syms.split("\n").find((l) => {
    const f = l.trim().split(/\s+/);
    return f[3] === "FUNC" && f[6] !== "UND" && (f[7] === symbol || f[7]?.startsWith(`${symbol}@`));
  });
  if (line === undefined) throw new Error(`readelf: no ${symbol} in ${path}`);
  const value = BigInt(`0x${line.trim().split(/\s+/)[1]}`);
  const phdrs = execFileSync("readelf", ["-W", "-l", path], { encoding: "utf8" });
  for (const l of phdrs.split("\n")) {
    const f = l.trim().split(/\s+/);
    if (f[0] !== "LOAD") continue;
    const [off, vaddr, filesz] = [BigInt(f[1]!), BigInt(f[2]!), BigInt(f[4]!)];
    if (value >= vaddr && value < vaddr + filesz) return value - vaddr + off;
  }
  throw new Error(`readelf: ${symbol} outside every LOAD segment`);
}

function count(coll: Collection, slot: number): bigint {
  const v = coll.maps.counts!.lookup(slot)!;
  return new DataView(v.buffer, v.byteOffset, v.byteLength).getBigUint64(0, true);
}

function resetCounts(coll: Collection): void {
  for (let i = 0; i < 16; i++) coll.maps.counts!.update(i, new Uint8Array(8));
}

describe("symbol resolution", () => {
  it("finds libc among the files this process has mapped", () => {
    const path = findLibrary("libc.so.6");
    expect(readFileSync("/proc/self/maps", "utf8")).toContain(path);
    expect(path).toMatch(/\/libc\.so\.6$/);
    expect(findLibrary("libc")).toBe(path);
    expect(openExecutable("libc.so.6").path).toBe(path);
  });

  it("resolves libc's getaddrinfo (.dynsym only) to the offset readelf gives", () => {
    const libc = openExecutable("libc.so.6");
    const want = readelfOffset(libc.path, "getaddrinfo", "--dyn-syms");
    expect(libc.offset("getaddrinfo")).toBe(want);
    const elf = ElfFile.parse(readFileSync(libc.path));
    const sym = elf.dynamicSymbols.find((s) => s.name === "getaddrinfo" && s.value !== 0n)!;
    expect(BigInt(elf.fileOffset(sym.value)!)).toBe(want);
    expect(libc.offset("getaddrinfo", { offset: 4 })).toBe(want + 4n);
    expect(libc.offset("anything", { address: 0x1234n, offset: 1 })).toBe(0x1235n);
  });

  it("names what is wrong: missing file, missing symbol, imported-only symbol, unknown library", () => {
    expect(() => openExecutable("/no/such/binary")).toThrow(ExecutableNotFoundError);
    expect(() => openExecutable("/no/such/binary")).toThrow(/\/no\/such\/binary.*ENOENT/);
    expect(() => openExecutable("/proc")).toThrow(/not a regular file/);
    expect(() => openExecutable("libdefinitely-not-mapped.so")).toThrow(ExecutableNotFoundError);
    const libc = openExecutable("libc.so.6");
    expect(() => libc.offset("no_such_function_xyz")).toThrow(SymbolNotFoundError);
    expect(() => libc.offset("no_such_function_xyz")).toThrow(/symbol no_such_function_xyz/);
    // getent (libc-bin, Essential in Debian) imports getaddrinfo from libc; a small binary keeps
    // this quick in TCG guests, where parsing the ~100 MB node binary took 12-30 s.
    const getent = openExecutable("/usr/bin/getent");
    expect(() => getent.offset("getaddrinfo")).toThrow(/only imported/);
  });
});

// getaddrinfo_count.o's uprobe program reads bpf_get_attach_cookie (5.15), so the object loads only there.
const noCookie = unless(
  () => haveProgramHelper(ProgramType.Kprobe, FnGetAttachCookie),
  "bpf_get_attach_cookie in kprobe programs needs Linux 5.15",
);

describe.skipIf(noCookie !== undefined)(`uprobes on a compiled binary${why(noCookie)}`, () => {
  let dir: string;
  let target: string;
  let coll: Collection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ebpf-uprobe-"));
    writeFileSync(join(dir, "target.c"), TARGET_C);
    target = join(dir, "target");
    execFileSync("cc", ["-O1", "-o", target, join(dir, "target.c")]);
    coll = newCollection(await loadCollectionSpec(object));
  });

  afterAll(() => {
    coll?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (n: number): void => {
    execFileSync(target, [String(n)]);
  };

  it("resolves .symtab symbols (static functions included) to readelf's offsets", () => {
    const exe = openExecutable(target);
    expect(exe.offset("static_target")).toBe(readelfOffset(target, "static_target", "--syms"));
    expect(exe.offset("exported_target")).toBe(readelfOffset(target, "exported_target", "--syms"));
  });

  it("counts every call with uprobes and uretprobes, cookies telling attachments apart", () => {
    resetCounts(coll);
    const exe = openExecutable(target);
    const prog = coll.programs.count_uprobe!;
    {
      using a = exe.uprobe("exported_target", prog, { cookie: 1n });
      using b = exe.uretprobe("exported_target", prog, { cookie: 2n });
      using c = exe.uprobe("static_target", prog, { cookie: 3n });
      using d = exe.uprobe("main", prog, { address: exe.offset("static_target"), cookie: 4n });
      expect(a.info().type).toBe(LinkType.PerfEvent);
      expect([b, c, d].every((l) => l.fd > 0)).toBe(true);
      run(7);
      expect([1, 2, 3, 4].map((i) => count(coll, i))).toEqual([7n, 7n, 7n, 7n]);
    }
    run(5);
    expect([1, 2, 3, 4].map((i) => count(coll, i))).toEqual([7n, 7n, 7n, 7n]);
  });

  it("fires only in the given pid", () => {
    resetCounts(coll);
    const exe = openExecutable(target);
    // The child is another process, so a probe limited to this one never fires.
    using mine = exe.uprobe("exported_target", coll.programs.count_uprobe!, { pid: process.pid, cookie: 5n });
    run(3);
    expect(count(coll, 5)).toBe(0n);
    expect(mine.fd).toBeGreaterThan(0);
  });

  it("refuses programs that are not of type Kprobe, naming the type", () => {
    const exe = openExecutable(target);
    expect(() => exe.uprobe("exported_target", coll.programs.not_a_probe!)).toThrow(ArgumentError);
    expect(() => exe.uprobe("exported_target", coll.programs.not_a_probe!)).toThrow(/SocketFilter.*Kprobe|Kprobe/);
    expect(() => exe.uprobe("nope", coll.programs.count_uprobe!)).toThrow(SymbolNotFoundError);
    const prog = coll.programs.count_uprobe!;
    expect(() => exe.uprobe("exported_target", prog, { offset: -(1n << 40n) })).toThrow(/out of range/);
    expect(() => exe.uprobe("exported_target", prog, { pid: 0 })).toThrow(/invalid pid/);
    expect(() => exe.uprobe("exported_target", prog, { cookie: -1n })).toThrow(ArgumentError);
    const multi = coll.programs.count_uprobe_multi!;
    expect(() => exe.uprobeMulti([], multi, { addresses: [-1] })).toThrow(/out of range/);
  });

  it("refuses a closed program", async () => {
    const other = newCollection(await loadCollectionSpec(object));
    const prog = other.programs.count_uprobe!;
    other.close();
    expect(() => openExecutable(target).uprobe("exported_target", prog)).toThrow(ClosedError);
  });

  it("cannot update a perf event link to another program", () => {
    using link = openExecutable(target).uprobe("exported_target", coll.programs.count_uprobe!);
    expect(() => link.update(coll.programs.count_uprobe!)).toThrow(NotSupportedError);
  });

  it("attaches through tracefs uprobe_events and removes the event on close", () => {
    resetCounts(coll);
    const exe = openExecutable(target);
    const root = tracefsRoot();
    const probe = openTracefsUprobe(target, exe.offset("exported_target"), 0n, true, -1, "exported_target");
    const prog = coll.programs.count_uprobe!;
    const link = attachPerfEvent(prog.fd, probe.fd, 6n, "tracefs uretprobe", probe.remove);
    expect(readFileSync(`${root}/uprobe_events`, "utf8")).toContain(probe.name);
    run(4);
    expect(count(coll, 6)).toBe(4n);
    link.close();
    expect(readFileSync(`${root}/uprobe_events`, "utf8")).not.toContain(probe.name);
    run(4);
    expect(count(coll, 6)).toBe(4n);
  });

  it("attaches with PERF_EVENT_IOC_SET_BPF, the pre-5.15 way, without pin/update/info", () => {
    resetCounts(coll);
    const exe = openExecutable(target);
    const prog = coll.programs.count_uprobe!;
    const probe = openTracefsUprobe(target, exe.offset("static_target"), 0n, false, -1, "static_target");
    const link = attachPerfEventIoctl(prog.fd, probe.fd, 0n, "ioctl uprobe", probe.remove);
    try {
      expect(link.fd).toBe(probe.fd);
      run(3);
      expect(count(coll, 0)).toBe(3n);
      expect(() => link.pin("/sys/fs/bpf/nope")).toThrow(NotSupportedError);
      expect(() => link.update(prog)).toThrow(NotSupportedError);
      expect(() => link.info()).toThrow(NotSupportedError);
      expect(() => link.detach()).toThrow(NotSupportedError);
    } finally {
      link.close();
    }
    run(3);
    expect(count(coll, 0)).toBe(3n);
    // Cookies need a perf event link; the perf event is closed and the trace event removed anyway.
    const again = openTracefsUprobe(target, exe.offset("static_target"), 0n, false, -1, "static_target");
    expect(() => attachPerfEventIoctl(prog.fd, again.fd, 1n, "ioctl uprobe", again.remove)).toThrow(NotSupportedError);
    expect(readFileSync(`${tracefsRoot()}/uprobe_events`, "utf8")).not.toContain(again.name);
  });

  it("attaches many symbols with one uprobe_multi link (6.6+)", (ctx) => {
    resetCounts(coll);
    const exe = openExecutable(target);
    const prog = coll.programs.count_uprobe_multi!;
    let link;
    try {
      link = exe.uprobeMulti(["exported_target", "static_target"], prog, { cookies: [7n, 8n] });
    } catch (err) {
      if (err instanceof NotSupportedError) ctx.skip("uprobe_multi needs Linux 6.6");
      throw err;
    }
    try {
      expect(link.info().type).toBe(LinkType.UprobeMulti);
      run(6);
      expect([count(coll, 7), count(coll, 8)]).toEqual([6n, 6n]);
    } finally {
      link.close();
    }
    {
      using ret = exe.uretprobeMulti(["exported_target"], prog, { cookies: [9n], pid: process.pid });
      run(2);
      expect(count(coll, 9)).toBe(0n);
      expect(ret.fd).toBeGreaterThan(0);
    }
    {
      using ret = exe.uretprobeMulti(["exported_target"], prog, { cookies: [9n] });
      run(2);
      expect(count(coll, 9)).toBe(2n);
      expect(ret.info().type).toBe(LinkType.UprobeMulti);
    }
    run(2);
    expect([count(coll, 7), count(coll, 8), count(coll, 9)]).toEqual([6n, 6n, 2n]);
    expect(() => exe.uprobeMulti([], prog)).toThrow(ArgumentError);
    expect(() => exe.uprobeMulti(["exported_target"], prog, { cookies: [1n, 2n] })).toThrow(/cookies has 2 entries/);
    // A program loaded for perf-event uprobes is not a uprobe_multi program.
    expect(() => exe.uprobeMulti(["exported_target"], coll.programs.count_uprobe!)).toThrow(/uprobe\.multi/);
  });
});

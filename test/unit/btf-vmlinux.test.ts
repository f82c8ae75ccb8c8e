import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  formatType,
  Kind,
  KernelSpecCache,
  loadKernelModuleSpec,
  loadKernelSpec,
  loadSpecFromBuffer,
  typeAlign,
  typeSize,
  TypeNotFoundError,
} from "../../src/btf/index.js";
import { BTFError } from "../../src/errors.js";
import { mapWholeFile } from "../../src/syscall/file.js";
import { bpftoolTypes, diffWithBpftool } from "./btf-bpftool.js";

const VMLINUX = "/sys/kernel/btf/vmlinux";
const hasVmlinux = existsSync(VMLINUX);
const bpftool = hasVmlinux ? bpftoolTypes(VMLINUX) : undefined;

describe.skipIf(!hasVmlinux)("vmlinux BTF (skipped: /sys/kernel/btf/vmlinux absent)", () => {
  const spec = loadSpecFromBuffer(readFileSync(VMLINUX));

  it("stays within the loader issue's 64 MiB of heap, parsed and with every type decoded", () => {
    // In a child process of its own, where a forced collection leaves only what the spec holds.
    const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "test/helpers/btf-heap.ts"], {
      cwd: new URL("../..", import.meta.url).pathname,
      encoding: "utf8",
    });
    const heap = JSON.parse(out) as { types: number; typeCount: number; parsed: number; decoded: number };
    expect(heap.types).toBe(heap.typeCount);
    expect(heap.parsed).toBeLessThan(1);
    expect(heap.decoded).toBeLessThan(64);
  });

  it.skipIf(bpftool === undefined)("has bpftool's type count", () => {
    expect(spec.typeCount).toBe(bpftool!.length);
    expect(spec.typeCount).toBe(bpftool![bpftool!.length - 1]!.id);
  });

  it.skipIf(bpftool === undefined)("decodes every type exactly as bpftool does", () => {
    expect(diffWithBpftool(spec, bpftool!)).toEqual([]);
  });

  it.skipIf(bpftool === undefined)("finds struct task_struct with bpftool's size and pid offset", () => {
    const want = bpftool!.find((t) => t.kind === "STRUCT" && t.name === "task_struct")!;
    const pid = (want.members as { name: string; bits_offset: number }[]).find((m) => m.name === "pid")!;
    const task = spec.typeByName("task_struct", Kind.Struct);
    expect(spec.typeID(task)).toBe(want.id);
    expect(task.size).toBe(want.size);
    expect(typeSize(task)).toBe(want.size);
    expect(task.members.find((m) => m.name === "pid")!.bitOffset).toBe(pid.bits_offset);
    expect(typeAlign(task)).toBe(8);
  });

  it("iterates every type once, in id order", () => {
    let n = 0;
    for (const t of spec.types()) {
      n++;
      if (n % 10007 === 0) expect(spec.typeID(t)).toBe(n);
    }
    expect(n).toBe(spec.typeCount);
  });

  it("returns the same object for the same id", () => {
    const a = spec.typeByName("task_struct", Kind.Struct);
    expect(spec.typeByID(spec.typeID(a)) === a).toBe(true);
    const self = a.members.find((m) => m.name === "last_wakee")!.type;
    expect(self.kind).toBe(Kind.Pointer);
    if (self.kind === Kind.Pointer) expect(self.target === a).toBe(true);
  });

  it("formats typedefs and structs like C", () => {
    const u32 = spec.typeByName("u32", Kind.Typedef);
    expect(formatType(u32)).toBe("typedef __u32 u32");
    expect(formatType(spec.typeByName("__u32", Kind.Typedef))).toBe("typedef unsigned int __u32");
    const text = formatType(spec.typeByName("task_struct", Kind.Struct));
    expect(text.startsWith("struct task_struct {\n")).toBe(true);
    expect(text).toContain("\tstruct task_struct *last_wakee;\n");
    expect(text).toContain("\tpid_t pid;\n");
    expect(text.endsWith("\n}")).toBe(true);
  });

  it("sizes typedefs, qualifiers and arrays", () => {
    expect(typeSize(spec.typeByName("u64", Kind.Typedef))).toBe(8);
    const task = spec.typeByName("task_struct", Kind.Struct);
    const comm = task.members.find((m) => m.name === "comm")!;
    expect(typeSize(comm.type)).toBe(16);
    expect(typeAlign(comm.type)).toBe(1);
  });

  it("reports missing and ambiguous names", () => {
    expect(() => spec.typeByName("no_such_type___really")).toThrow(TypeNotFoundError);
    const ids = spec.typeIDsByName("task_struct");
    expect(ids.length).toBeGreaterThanOrEqual(1);
    // Find some name shared by two kinds and check that only `kind` resolves it.
    let shared: string | undefined;
    for (const t of spec.types()) {
      if (t.name !== "" && spec.typeIDsByName(t.name).length > 1) {
        shared = t.name;
        break;
      }
    }
    expect(shared).toBeDefined();
    expect(() => spec.typeByName(shared!)).toThrow(/ambiguous/);
    expect(spec.anyTypesByName(shared!).length).toBeGreaterThan(1);
    expect(() => spec.typeByID(spec.nextId)).toThrow(TypeNotFoundError);
    expect(() => spec.typeByID(-1)).toThrow(BTFError);
  });

  it("caches the kernel spec per cache object", () => {
    const cache = new KernelSpecCache();
    // Identity checks compare booleans: a failing or negated toBe() on two specs would deep-compare
    // two 100k-type graphs for its message.
    expect(cache.kernel() === cache.kernel()).toBe(true);
    expect(loadKernelSpec(cache) === cache.kernel()).toBe(true);
    expect(loadKernelSpec() === loadKernelSpec()).toBe(true);
    expect(loadKernelSpec() === cache.kernel()).toBe(false);
    const again = new KernelSpecCache();
    again.clear();
    expect(again.kernel().typeCount).toBe(spec.typeCount);
  });

  it("maps vmlinux once while its bytes live (6.16+: sysfs BTF can be mapped)", () => {
    const first = mapWholeFile(VMLINUX);
    if (first === undefined) return;
    const again = mapWholeFile(VMLINUX)!;
    expect(again.buffer === first.buffer).toBe(true);
    expect(again.length).toBe(readFileSync(VMLINUX).length);
    expect(Buffer.compare(Buffer.from(again.subarray(0, 64)), readFileSync(VMLINUX).subarray(0, 64))).toBe(0);
  });

  it("rejects bad module names", () => {
    expect(() => loadKernelModuleSpec("../etc/passwd", new KernelSpecCache())).toThrow(BTFError);
    expect(() => loadKernelModuleSpec("no_such_module_xyz", new KernelSpecCache())).toThrow(/no BTF for kernel module/);
  });
});

const modules = existsSync("/sys/kernel/btf") ? readdirSync("/sys/kernel/btf").filter((m) => m !== "vmlinux") : [];

describe.skipIf(modules.length === 0)("kernel module split BTF (skipped: no module BTF in /sys/kernel/btf)", () => {
  it("matches bpftool for the first module", () => {
    const name = modules[0]!;
    const spec = loadKernelModuleSpec(name, new KernelSpecCache());
    const kernel = spec.base!;
    expect(spec.raw.firstId).toBe(kernel.nextId);
    const out = execFileSync("bpftool", ["btf", "dump", "file", `/sys/kernel/btf/${name}`, "-B", VMLINUX, "-j"], {
      maxBuffer: 1 << 30,
      encoding: "utf8",
    });
    const types = (JSON.parse(out) as { types: { id: number }[] }).types;
    expect(spec.nextId - 1).toBe(types[types.length - 1]!.id);
  });
});

// Typed ksyms (`extern const T name __ksym;`) resolved through module BTF, against the real BTF of
// a Debian kernel and its x_tables module (whose per-cpu `xt_recseq` is a VAR in the module's
// split BTF, not in vmlinux's) from the VM suite's kernel cache. Skipped, with the reason, when
// that cache holds no kernel with x_tables (see test/vm/README.md to fetch one).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DWord, LoadImm, PseudoLoad, R1 } from "../../src/asm/index.js";
import { Kind, loadSpecFromBuffer, type Spec } from "../../src/btf/index.js";
import { resolveReferences, type ReferenceTargets } from "../../src/collection/references.js";
import type { ExternSpec } from "../../src/collection/spec.js";
import { ElfFile } from "../../src/elf/index.js";
import { LoadError } from "../../src/errors.js";

// The VM runner's cache (test/vm/run.ts): $EBPF_VM_CACHE, else $XDG_CACHE_HOME/ebpf-vm.
const kernels = join(process.env.EBPF_VM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "ebpf-vm"), "kernels");

/** The first cached kernel with a vmlinux and an x_tables module: [vmlinux, x_tables.ko*]. */
function findKernel(): [string, string] | undefined {
  if (!existsSync(kernels)) return undefined;
  for (const k of readdirSync(kernels).sort()) {
    const vmlinux = join(kernels, k, "vmlinux");
    const modules = join(kernels, k, "tree/usr/lib/modules");
    if (!existsSync(vmlinux) || !existsSync(modules)) continue;
    for (const release of readdirSync(modules)) {
      const dir = join(modules, release, "kernel/net/netfilter");
      const ko = existsSync(dir) ? readdirSync(dir).find((f) => /^x_tables\.ko(\.xz)?$/.test(f)) : undefined;
      if (ko) return [vmlinux, join(dir, ko)];
    }
  }
  return undefined;
}

const found = findKernel();
const skip = `no cached kernel with x_tables.ko under ${kernels}`;

function loadSpecs(): { vmlinux: Spec; xTables: Spec } {
  const [vmlinuxPath, koPath] = found!;
  const vmlinux = loadSpecFromBuffer(ElfFile.parse(readFileSync(vmlinuxPath)).section(".BTF")!.data());
  const raw = readFileSync(koPath);
  const ko = koPath.endsWith(".xz") ? execFileSync("xz", ["-dc"], { input: raw, maxBuffer: 1 << 26 }) : raw;
  const xTables = loadSpecFromBuffer(ElfFile.parse(ko).section(".BTF")!.data(), { base: vmlinux });
  return { vmlinux, xTables };
}

/** `r1 = &name ll` as the loader leaves a typed ksym: a BTF-id lddw naming the extern. */
function ksymLoad(name: string) {
  return LoadImm(R1, 0n, DWord).with({ src: PseudoLoad.BTFID, reference: name });
}

describe.skipIf(!found)(`typed ksyms in kernel modules (skipped when ${skip})`, () => {
  const specs = found ? loadSpecs() : undefined!;
  const ext = (name: string, weak = false): ExternSpec => ({ name, kind: "ksym", weak, type: specs.vmlinux.typeByID(1) });
  const targets = (externs: ExternSpec[], fds: string[]): ReferenceTargets => ({
    maps: new Map(),
    externs: Object.fromEntries(externs.map((e) => [e.name, e])),
    kernelTypes: () => specs.vmlinux,
    moduleTypes: () => new Map([["x_tables", specs.xTables]]),
    moduleFd: (m) => {
      fds.push(m);
      return 42;
    },
  });

  it("x_tables' xt_recseq is a module VAR that vmlinux lacks", () => {
    expect(specs.vmlinux.typeIDsByName("xt_recseq")).toEqual([]);
    const ids = specs.xTables.typeIDsByName("xt_recseq");
    expect(ids).toHaveLength(1);
    expect(ids[0]).toBeGreaterThanOrEqual(specs.vmlinux.nextId);
    expect(specs.xTables.kindOf(ids[0]!)).toBe(Kind.Var);
  });

  it("resolves to the module VAR's id, with the module's BTF fd in the lddw's second half", () => {
    const fds: string[] = [];
    const [insn] = resolveReferences("p", [ksymLoad("xt_recseq")], targets([ext("xt_recseq")], fds));
    const id = specs.xTables.typeIDsByName("xt_recseq")[0]!;
    expect(fds).toEqual(["x_tables"]);
    expect(insn!.src).toBe(PseudoLoad.BTFID);
    expect(insn!.reference).toBeUndefined();
    expect(insn!.constant).toBe((42n << 32n) | BigInt(id));
  });

  it("a vmlinux VAR keeps fd 0 and opens no module BTF", () => {
    const vmlinuxVar = specs.vmlinux.typeIDsByName("runqueues").find((i) => specs.vmlinux.kindOf(i) === Kind.Var)!;
    expect(vmlinuxVar).toBeGreaterThan(0);
    const fds: string[] = [];
    const [insn] = resolveReferences("p", [ksymLoad("runqueues")], targets([ext("runqueues")], fds));
    expect(fds).toEqual([]);
    expect(insn!.constant).toBe(BigInt(vmlinuxVar));
  });

  it("a missing ksym is 0 when weak, else a LoadError naming modules", () => {
    const [weak] = resolveReferences("p", [ksymLoad("no_such_var")], targets([ext("no_such_var", true)], []));
    expect([weak!.src, weak!.constant]).toEqual([0, 0n]);
    expect(() => resolveReferences("p", [ksymLoad("no_such_var")], targets([ext("no_such_var")], []))).toThrow(
      /typed ksym no_such_var: not found in kernel BTF or the BTF of its loaded modules/,
    );
  });

  it("refuses a module ksym when no module BTF fd can be passed", () => {
    const t = { ...targets([ext("xt_recseq")], []), moduleFd: undefined };
    expect(() => resolveReferences("p", [ksymLoad("xt_recseq")], t)).toThrow(LoadError);
  });
});

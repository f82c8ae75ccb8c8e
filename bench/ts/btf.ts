/**
 * Our side of the BTF figures, mirroring `bench/c/btf.c`, in ms per parse of the running kernel's
 * BTF (/sys/kernel/btf/vmlinux): `btf.parse_vmlinux` reads the file and parses it (as libbpf's
 * btf__parse does), `btf.parse_vmlinux_mem` parses bytes already in memory (as btf__new does).
 * The heap a parse adds is checked by test/unit/btf-vmlinux.test.ts (the loader issue sets 64 MiB).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { loadSpecFromBuffer } from "ebpf/btf";
import { nowNs, type Figure, type Suite } from "./suite.js";

/** Parameters of the BTF topic; the C side gets them as `--parses` and `--path`. */
export interface BtfParams {
  /** Parses per request of a figure, one sample each. */
  parses: number;
  /** Raw BTF file to parse. */
  path: string;
}

/** ms for one parse, reading the file first unless `bytes` are given. */
function parseOnce(path: string, bytes: Uint8Array | undefined): number {
  const t0 = nowNs();
  const spec = loadSpecFromBuffer(bytes ?? readFileSync(path));
  const t = nowNs() - t0;
  if (spec.nextId < 2) throw new Error(`${path}: no types`);
  return t / 1e6;
}

/**
 * Read the file once and warm the JIT with five untimed parses, then measure `parses` parses per
 * request.
 *
 * @example
 * ```ts
 * const suite = btfSuite({ parses: 4, path: "/sys/kernel/btf/vmlinux" });
 * suite.run("btf.parse_vmlinux_mem");
 * ```
 */
export function btfSuite(p: BtfParams): Suite {
  const bytes = readFileSync(p.path);
  for (let i = 0; i < 5; i++) parseOnce(p.path, bytes);
  return {
    run(figure: string): Figure[] {
      if (figure !== "btf.parse_vmlinux" && figure !== "btf.parse_vmlinux_mem") throw new Error(`unknown figure '${figure}'`);
      const mem = figure === "btf.parse_vmlinux_mem" ? bytes : undefined;
      const figures: Figure[] = [];
      for (let i = 0; i < p.parses; i++) figures.push({ name: figure, value: parseOnce(p.path, mem), unit: "ms" });
      return figures;
    },
    close(): void {},
  };
}

// Run in a child process with --expose-gc (test/unit/btf-vmlinux.test.ts): the JavaScript heap and
// ArrayBuffers that parsing the running kernel's BTF adds, after the parse and with every type
// decoded and held, in MiB, printed as JSON.
import { readFileSync } from "node:fs";
import { loadSpecFromBuffer } from "../../src/btf/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const used = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const bytes = readFileSync("/sys/kernel/btf/vmlinux");
const before = used();
const spec = loadSpecFromBuffer(bytes);
const parsed = used() - before;
const all = [...spec.types()];
const decoded = used() - before;
const mib = (n: number) => n / 2 ** 20;
process.stdout.write(JSON.stringify({ types: all.length, parsed: mib(parsed), decoded: mib(decoded), typeCount: spec.typeCount }));

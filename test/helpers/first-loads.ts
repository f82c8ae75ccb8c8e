// Run as a fresh process by collection-workers-start.test.ts: loads bpf/bench_load.o twice and
// prints, as JSON, the loader's worker threads and this process's fds after each load, then after
// the workers have retired.
import { readFileSync } from "node:fs";
import { loadCollectionSpecFromBuffer, newCollection } from "../../src/index.js";
import { bpfWorkersReady, setBpfWorkersIdle } from "../../src/syscall/index.js";
import { openFdCount } from "./fds.js";
import { verifierThreadCount } from "./threads.js";

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bytes = readFileSync(new URL("../../bpf/bench_load.o", import.meta.url));
const load = (): void => newCollection(loadCollectionSpecFromBuffer(bytes)).close();
const now = (): { threads: number; fds: number } => ({ threads: verifierThreadCount(), fds: openFdCount() });

const start = now();
load();
await pause(100);
const afterFirst = now();
load();
const workers = await bpfWorkersReady();
const afterSecond = now();
setBpfWorkersIdle(100);
for (let t = 0; t < 250 && verifierThreadCount() > 0; t++) await pause(20);
console.log(JSON.stringify({ workers, start, afterFirst, afterSecond, retired: now() }));

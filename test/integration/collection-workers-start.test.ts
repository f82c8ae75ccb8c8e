// A process's first collection starts no worker thread (one could not be ready in time to help
// it); its second starts them in the background. A file of its own, without expectNoFdLeaks,
// whose hooks start the workers first; it counts fds itself, with the workers ended.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { expect, it } from "vitest";
import { loadCollectionSpecFromBuffer, newCollection } from "../../src/index.js";
import { bpfWorkersReady, setBpfWorkersIdle } from "../../src/syscall/index.js";
import { openFdCount } from "../helpers/fds.js";
import { verifierThreadCount } from "../helpers/threads.js";

const object = new URL("../../bpf/bench_load.o", import.meta.url).pathname;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it("the first collection runs on this thread alone; the second starts the workers", async () => {
  const bytes = readFileSync(object);
  const fds = openFdCount();
  newCollection(loadCollectionSpecFromBuffer(bytes)).close();
  await pause(100);
  expect(verifierThreadCount()).toBe(0);
  expect(openFdCount()).toBe(fds);

  newCollection(loadCollectionSpecFromBuffer(bytes)).close();
  const workers = await bpfWorkersReady();
  expect(workers).toBe(Math.max(0, Math.min(3, availableParallelism() - 1)));
  expect(verifierThreadCount()).toBe(workers);

  setBpfWorkersIdle(100);
  try {
    for (let t = 0; t < 250 && verifierThreadCount() > 0; t++) await pause(20);
  } finally {
    setBpfWorkersIdle(30_000);
  }
  expect(verifierThreadCount()).toBe(0);
  expect(openFdCount()).toBe(fds);
});

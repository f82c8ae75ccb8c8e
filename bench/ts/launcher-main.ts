/**
 * The process {@link Launcher} talks to: for each line of JSON `[file, ...args]` on stdin it runs
 * that program to completion and answers one line of JSON, `{ "out": stdout }` or
 * `{ "error": message }`.
 *
 * Usage: node <tsx loader> bench/ts/launcher-main.ts
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { createInterface } from "node:readline";

for await (const line of createInterface({ input: process.stdin })) {
  const [file, ...args] = JSON.parse(line) as string[];
  let answer: { out: string } | { error: string };
  try {
    answer = { out: execFileSync(file!, args, { encoding: "utf8" }) };
  } catch (e) {
    answer = { error: (e as Error).message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

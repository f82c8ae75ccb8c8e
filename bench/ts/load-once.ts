/**
 * One load of an object as the first of its process, for the `*.cold` figures of
 * `bench/ts/load.ts` (which runs this file in a fresh Node process): prints the ms of
 * open + newCollection + close of the object named on the command line.
 *
 * Usage: node <tsx loader> bench/ts/load-once.ts FILE
 *
 * @module
 */
import { loadObject } from "./load.js";

const path = process.argv[2];
if (path === undefined) throw new Error("usage: load-once.ts FILE");
console.log(loadObject(path).ms.toFixed(6));

#!/usr/bin/env node
/**
 * The `ebpf` executable (`npx ebpf …`, the package's `bin`).
 *
 * @module
 */
import { runCli } from "./cli.js";
import { processIO } from "./io.js";

process.exitCode = await runCli(process.argv.slice(2), processIO());

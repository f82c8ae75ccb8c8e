import { defineConfig } from "vitest/config";

// CI asks for a JSON report beside the console output; .ci/summarize.mjs turns it into the
// "N passed, N failed" line.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/helpers/setup.ts"],
    // Each file runs in its own process so its fd accounting and kernel objects are its own.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
  },
});

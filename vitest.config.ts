import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file runs in its own process so its fd accounting and kernel objects are its own.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

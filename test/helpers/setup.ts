// Runs before every test file (vitest setupFiles): what a real program using the library does at
// start-up on the kernels of the VM matrix, and the filesystems integration tests rely on.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { removeMemlock } from "../../src/features/index.js";

function mounted(path: string): boolean {
  return readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[1] === path);
}

function ensureMount(type: string, path: string): void {
  if (!existsSync(path) || mounted(path)) return;
  try {
    execFileSync("mount", ["-t", type, type, path], { stdio: "ignore" });
  } catch {
    // Without privileges the integration tests fail with PermissionError, which names the cause.
  }
}

if (process.getuid?.() === 0) {
  // Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK (cilium/ebpf's tests do the same).
  removeMemlock();
  ensureMount("bpf", "/sys/fs/bpf");
  ensureMount("tracefs", "/sys/kernel/tracing");
}

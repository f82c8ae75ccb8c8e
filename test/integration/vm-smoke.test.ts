/**
 * Facts true in every guest of the VM suite (`npm run test:vm`) and on a plain host: the kernel is
 * the one the runner booted, it has BTF, bpffs is mounted, and `bpf()` works through our syscall
 * layer.
 */
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { describe, expect, it } from "vitest";
import { FD, mapCreate } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

describe("vm smoke", () => {
  it("runs on the kernel the VM runner booted (EBPF_VM_KERNEL), else on the host's", () => {
    const expected = process.env.EBPF_VM_KERNEL ?? readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
    expect(release()).toBe(expected);
  });

  it("has kernel BTF at /sys/kernel/btf/vmlinux (5.4+, CONFIG_DEBUG_INFO_BTF)", () => {
    expect(existsSync("/sys/kernel/btf/vmlinux")).toBe(true);
  });

  it("has bpffs mounted at /sys/fs/bpf", () => {
    const mounts = readFileSync("/proc/mounts", "utf8").split("\n");
    expect(mounts.some((l) => /^\S+ \/sys\/fs\/bpf bpf /.test(l))).toBe(true);
  });

  it("creates a hash map through BPF_MAP_CREATE", () => {
    new FD(mapCreate({ mapType: 1, keySize: 4, valueSize: 8, maxEntries: 1 }), "vm smoke map").close();
  });
});

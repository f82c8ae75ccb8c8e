import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A bpffs mounted on a fresh temporary directory, for pinning tests; `cleanup` unmounts it. */
export function mountTempBpffs(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "ebpf-bpffs-"));
  execFileSync("mount", ["-t", "bpf", "bpf", dir]);
  return {
    dir,
    cleanup: () => {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

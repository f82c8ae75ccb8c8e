/**
 * Resolves, downloads and unpacks (never installs) a suite's kernel into the cache directory.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PrivateApt } from "./apt.js";
import type { KernelChoice } from "./matrix.js";

/**
 * An unpacked kernel package.
 *
 * @example
 * const k: UnpackedKernel = fetchKernel(apt, cacheDir, choice);
 */
export interface UnpackedKernel {
  /** This kernel's cache directory (the unpacked tree is in `tree/`). */
  readonly root: string;
  /** `uname -r` of the kernel ("6.1.0-50-amd64"). */
  readonly release: string;
  /** The compressed boot image (bzImage). */
  readonly vmlinuz: string;
  /** The kernel's configuration (`boot/config-<release>`, or `config` beside the modules in sid). */
  readonly config: string | undefined;
  /** `lib/modules/<release>` inside the unpacked tree. */
  readonly modulesDir: string;
  /** Seconds spent resolving, downloading and unpacking (near zero when cached). */
  readonly fetchSeconds: number;
  /** Whether the packages were already in the cache. */
  readonly cached: boolean;
}

/** Package lists older than this are refreshed before resolving names. */
const LISTS_MAX_AGE_MS = 12 * 3600_000;

/**
 * Makes sure the private apt lists exist and are recent; true when they were refreshed.
 *
 * @example
 * refreshLists(new PrivateApt("/root/.cache/ebpf-vm/apt"));
 */
export function refreshLists(apt: PrivateApt, force = false): boolean {
  const stamp = join(apt.stateDir, "updated");
  if (!force && existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < LISTS_MAX_AGE_MS) return false;
  apt.update();
  writeFileSync(stamp, new Date().toISOString());
  return true;
}

/**
 * The binary packages holding `choice`'s current kernel: the image package the meta package
 * `linux-image-amd64` depends on, or (sid, 7.x) the split `linux-binary-*`, `linux-modules-*` and
 * `linux-base-*` packages that image package has become a meta package for.
 *
 * @example
 * resolvePackages(apt, { label: "6.1", suite: "bookworm" }); // ["linux-image-6.1.0-50-amd64"]
 */
export function resolvePackages(apt: PrivateApt, choice: KernelChoice): string[] {
  // apt-cache over four suites' lists takes seconds: remember the answer until the lists change.
  const memo = join(apt.stateDir, `resolved-v2-${choice.suite}`);
  const stamp = join(apt.stateDir, "updated");
  if (existsSync(memo) && existsSync(stamp) && statSync(memo).mtimeMs >= statSync(stamp).mtimeMs) {
    return readFileSync(memo, "utf8").split("\n").filter((l) => l !== "");
  }
  const pkgs = resolveFromLists(apt, choice);
  writeFileSync(memo, pkgs.join("\n") + "\n");
  return pkgs;
}

function resolveFromLists(apt: PrivateApt, choice: KernelChoice): string[] {
  const image = apt.depends("linux-image-amd64", choice.suite).find((d) => /^linux-image-\d/.test(d));
  if (!image) throw new Error(`${choice.suite}: linux-image-amd64 depends on no linux-image-<version>`);
  // linux-base-* holds the config the library reads as /boot/config-<release>.
  const split = apt.depends(image, choice.suite).filter((d) => /^linux-(binary|modules|base)-\d/.test(d));
  return split.length > 0 ? split : [image];
}

/** Finds the one `lib/modules/<release>` (or `usr/lib/modules/<release>`) of an unpacked tree. */
function findModules(root: string): { release: string; modulesDir: string } {
  for (const base of ["lib/modules", "usr/lib/modules"]) {
    const dir = join(root, base);
    if (!existsSync(dir)) continue;
    const releases = readdirSync(dir);
    if (releases.length === 1 && releases[0]) return { release: releases[0], modulesDir: join(dir, releases[0]) };
  }
  throw new Error(`${root}: no single lib/modules/<release> directory`);
}

/** Finds the boot image: `boot/vmlinuz-<release>` or `usr/lib/modules/<release>/vmlinuz`. */
function findVmlinuz(root: string, release: string, modulesDir: string): string {
  for (const p of [join(root, "boot", `vmlinuz-${release}`), join(modulesDir, "vmlinuz")]) {
    if (existsSync(p)) return p;
  }
  throw new Error(`${root}: no vmlinuz for ${release}`);
}

/**
 * Downloads and unpacks `choice`'s kernel under `cacheDir/kernels/`, reusing an earlier unpack of
 * the same packages.
 *
 * @example
 * const k = fetchKernel(apt, "/root/.cache/ebpf-vm", { label: "6.1", suite: "bookworm" });
 * k.release; // "6.1.0-50-amd64"
 */
export function fetchKernel(apt: PrivateApt, cacheDir: string, choice: KernelChoice): UnpackedKernel {
  const start = performance.now();
  const pkgs = resolvePackages(apt, choice);
  const root = join(cacheDir, "kernels", pkgs.join("+"));
  const done = join(root, ".unpacked");
  const cached = existsSync(done);
  if (!cached) {
    // Unpack into a temporary sibling first so an interrupted run never leaves a half tree behind.
    const tmp = `${root}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    const debs = join(tmp, "debs");
    apt.download(pkgs.map((p) => `${p}/${choice.suite}`), debs);
    for (const deb of readdirSync(debs)) execFileSync("dpkg-deb", ["-x", join(debs, deb), join(tmp, "tree")]);
    rmSync(debs, { recursive: true });
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(cacheDir, "kernels"), { recursive: true });
    renameSync(tmp, root);
    writeFileSync(done, pkgs.join("\n") + "\n");
  }
  const tree = join(root, "tree");
  const { release, modulesDir } = findModules(tree);
  const vmlinuz = findVmlinuz(tree, release, modulesDir);
  const config = [join(tree, "boot", `config-${release}`), join(modulesDir, "config")].find((p) => existsSync(p));
  return { root, release, config, vmlinuz, modulesDir, cached, fetchSeconds: (performance.now() - start) / 1000 };
}

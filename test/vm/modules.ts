/**
 * Picks the kernel modules the guest needs (virtio transport, virtio console, 9p, overlay) out of
 * an unpacked kernel package and orders them by their dependencies. Debian's `.deb` has no
 * `modules.dep` and the host may lack kmod, so each module's `.modinfo` section is read directly.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A module ready for `insmod`: its name and its uncompressed contents.
 *
 * @example
 * const m: GuestModule = { name: "9p", data: readFileSync("9p.ko") };
 */
export interface GuestModule {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * Modules the guest init loads, before their dependencies are added: the transports and file
 * systems the guest needs, then what the integration tests use (`veth` for XDP/TCX, `nf_conntrack`
 * for the `bpf_skb_ct_lookup` kfunc of 6.0+, and the crc32c its libcrc32c needs). A name with no
 * module file (built in, or absent from that kernel) is skipped by {@link guestModules}.
 *
 * @example
 * wantedModules("microvm"); // ["virtio_mmio", "virtio_console", "9pnet_virtio", "9p", "overlay", "veth", …]
 */
export function wantedModules(machine: "microvm" | "pc"): string[] {
  return [
    machine === "microvm" ? "virtio_mmio" : "virtio_pci",
    "virtio_console",
    "9pnet_virtio",
    "9p",
    "overlay",
    "veth",
    // libcrc32c (an nf_conntrack dependency up to 6.12) asks the crypto API for "crc32c" at init,
    // a soft dependency that `depends=` does not name.
    "crc32c_generic",
    "nf_conntrack",
  ];
}

/** Every `*.ko[.xz|.zst|.gz]` under `dir`, by module name (dashes read as underscores). */
function indexModules(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) indexModules(p, into);
    const m = /^(.+)\.ko(\.xz|\.zst|\.gz)?$/.exec(e.name);
    if (m?.[1]) into.set(m[1].replaceAll("-", "_"), p);
  }
  return into;
}

/** The module's bytes, decompressed when it ships as `.ko.xz`, `.ko.zst` or `.ko.gz`. */
function readModule(path: string): Buffer {
  const raw = readFileSync(path);
  if (path.endsWith(".xz")) return execFileSync("xz", ["-dc"], { input: raw, maxBuffer: 1 << 28 });
  if (path.endsWith(".zst")) return execFileSync("zstd", ["-dcq"], { input: raw, maxBuffer: 1 << 28 });
  if (path.endsWith(".gz")) return execFileSync("gzip", ["-dc"], { input: raw, maxBuffer: 1 << 28 });
  return raw;
}

/** The `key=value` strings of an ELF64 object's `.modinfo` section. */
function modinfo(elf: Buffer): Map<string, string> {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const section = (i: number): { name: number; offset: number; size: number } => {
    const at = shoff + i * shentsize;
    return {
      name: elf.readUInt32LE(at),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
      size: Number(elf.readBigUInt64LE(at + 0x20)),
    };
  };
  const strtab = section(shstrndx);
  const info = new Map<string, string>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameAt = strtab.offset + s.name;
    if (elf.toString("latin1", nameAt, elf.indexOf(0, nameAt)) !== ".modinfo") continue;
    for (const kv of elf.toString("latin1", s.offset, s.offset + s.size).split("\0")) {
      const eq = kv.indexOf("=");
      if (eq > 0) info.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
  }
  return info;
}

/**
 * `wanted` and everything they depend on, dependencies first. Names with no module file are
 * taken to be built into the kernel and skipped.
 *
 * @example
 * const mods = guestModules("/cache/.../lib/modules/6.1.0-50-amd64", wantedModules("microvm"));
 * mods.map((m) => m.name); // ["virtio_mmio", "virtio_console", "netfs", "fscache", "9pnet", ...]
 */
export function guestModules(modulesDir: string, wanted: readonly string[]): GuestModule[] {
  const files = indexModules(join(modulesDir, "kernel"));
  const ordered: GuestModule[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const path = files.get(name);
    if (!path) return;
    const data = readModule(path);
    const deps = modinfo(data).get("depends") ?? "";
    for (const d of deps.split(",").filter((x) => x !== "")) visit(d.replaceAll("-", "_"));
    ordered.push({ name, data });
  };
  for (const w of wanted) visit(w);
  return ordered;
}

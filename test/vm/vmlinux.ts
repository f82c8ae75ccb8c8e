/**
 * Extracts the uncompressed ELF `vmlinux` from a bzImage, as the kernel's `scripts/extract-vmlinux`
 * does: under TCG the in-guest decompressor costs seconds per boot, and the ELF boots directly
 * through its PVH entry point.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

/** Decompressors by the payload's magic bytes (Debian uses xz up to 6.1 and zstd after). */
const DECOMPRESSORS: readonly { magic: Buffer; cmd: string[] }[] = [
  { magic: Buffer.from("fd377a585a00", "hex"), cmd: ["xz", "-dc", "--single-stream"] },
  { magic: Buffer.from("28b52ffd", "hex"), cmd: ["zstd", "-dcq"] },
  { magic: Buffer.from("1f8b08", "hex"), cmd: ["gzip", "-dc"] },
  { magic: Buffer.from("02214c18", "hex"), cmd: ["lz4", "-dc"] },
];

/**
 * The compressed kernel inside a bzImage, located through the setup header's `payload_offset` and
 * `payload_length` (boot protocol 2.08+), without the trailing 4-byte decompressed size.
 */
function payload(bzImage: Buffer): Buffer {
  if (bzImage.toString("latin1", 0x202, 0x206) !== "HdrS") throw new Error("not a bzImage (no HdrS)");
  const setupSects = bzImage[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + bzImage.readUInt32LE(0x248);
  const length = bzImage.readUInt32LE(0x24c);
  if (start + length > bzImage.length) throw new Error("bzImage payload runs past the file");
  return bzImage.subarray(start, start + length - 4);
}

/** Whether an ELF64 image carries the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, CONFIG_PVH). */
function hasPvhNote(elf: Buffer): boolean {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (elf.readUInt32LE(ph) !== 4) continue; // PT_NOTE
    let at = Number(elf.readBigUInt64LE(ph + 8));
    const end = at + Number(elf.readBigUInt64LE(ph + 32));
    while (at + 12 <= end) {
      const namesz = elf.readUInt32LE(at);
      const descsz = elf.readUInt32LE(at + 4);
      const type = elf.readUInt32LE(at + 8);
      const name = elf.toString("latin1", at + 12, at + 12 + namesz).replace(/\0+$/, "");
      if (name === "Xen" && type === 18) return true;
      at += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

/**
 * Extracts `vmlinuz` to `out` once (reused afterwards) and tells whether it can boot through PVH;
 * when it cannot, the caller boots the bzImage itself.
 *
 * @example
 * const pvh = extractVmlinux("/cache/boot/vmlinuz-6.1.0-50-amd64", "/cache/vmlinux");
 */
export function extractVmlinux(vmlinuz: string, out: string): boolean {
  if (!existsSync(out)) {
    const packed = payload(readFileSync(vmlinuz));
    const d = DECOMPRESSORS.find((c) => packed.subarray(0, c.magic.length).equals(c.magic));
    if (!d) throw new Error(`${vmlinuz}: unknown compression ${packed.subarray(0, 6).toString("hex")}`);
    const [cmd, ...args] = d.cmd as [string, ...string[]];
    const elf = execFileSync(cmd, args, { input: packed, maxBuffer: 1 << 30 });
    writeFileSync(`${out}.tmp`, elf);
    renameSync(`${out}.tmp`, out);
  }
  return hasPvhNote(readFileSync(out));
}

/**
 * Builder for BPF_BTF_LOAD.
 *
 * @module
 */
import { BtfInfo, BtfLoadAttr, GetIdAttr } from "./attr.js";
import { bpfCall } from "./bpf.js";
import { BpfCmd } from "./commands.js";
import { SyscallError } from "./error.js";
import { closeRaw } from "./fd.js";
import { addressOf } from "./libc.js";
import { objGetFdById, objGetInfoByFd } from "./obj.js";

/** BPF_BTF_LOAD (4.18+): returns the BTF object's fd. */
export function btfLoad(btf: Uint8Array, logBuf?: Uint8Array, logLevel = 0): number {
  return bpfCall(
    BpfCmd.BTF_LOAD,
    BtfLoadAttr.build({
      btf: addressOf(btf),
      btfSize: btf.byteLength,
      btfLogBuf: logBuf ? addressOf(logBuf) : 0,
      btfLogSize: logBuf?.byteLength ?? 0,
      btfLogLevel: logBuf ? logLevel || 1 : 0,
    }),
  );
}

/**
 * An fd for the kernel BTF object named `name` (a module's BTF, 5.11+), found by walking
 * BPF_BTF_GET_NEXT_ID and reading each object's name; undefined when none has that name.
 */
export function btfGetFdByName(name: string): number | undefined {
  let id = 0;
  for (;;) {
    const attr = GetIdAttr.build({ id });
    try {
      bpfCall(BpfCmd.BTF_GET_NEXT_ID, attr);
    } catch (err) {
      if (err instanceof SyscallError && err.code === "ENOENT") return undefined;
      throw err;
    }
    id = GetIdAttr.get(new DataView(attr.buffer), "nextId");
    let fd: number;
    try {
      fd = objGetFdById(BpfCmd.BTF_GET_FD_BY_ID, id);
    } catch (err) {
      // The object went away between the two calls.
      if (err instanceof SyscallError && err.code === "ENOENT") continue;
      throw err;
    }
    const nameBuf = new Uint8Array(new ArrayBuffer(64));
    const info = new Uint8Array(new ArrayBuffer(BtfInfo.size));
    BtfInfo.write(new DataView(info.buffer), { name: addressOf(nameBuf), nameLen: nameBuf.length });
    objGetInfoByFd(fd, info);
    const end = nameBuf.indexOf(0);
    if (new TextDecoder().decode(nameBuf.subarray(0, end < 0 ? nameBuf.length : end)) === name) return fd;
    closeRaw(fd);
  }
}

/**
 * The raw bytes of the loaded BTF object `id` (BPF_BTF_GET_FD_BY_ID, then
 * BPF_OBJ_GET_INFO_BY_FD twice: once for the size, once into a buffer of that size; 5.0+).
 */
export function btfBytesById(id: number): Uint8Array {
  const fd = objGetFdById(BpfCmd.BTF_GET_FD_BY_ID, id);
  try {
    const info = new Uint8Array(new ArrayBuffer(BtfInfo.size));
    objGetInfoByFd(fd, info);
    const size = BtfInfo.get(new DataView(info.buffer), "btfSize");
    const bytes = new Uint8Array(new ArrayBuffer(size));
    BtfInfo.write(new DataView(info.buffer), { btf: addressOf(bytes), btfSize: bytes.byteLength });
    objGetInfoByFd(fd, info);
    // The kernel copies at most btfSize bytes and reports the full size back.
    const written = BtfInfo.get(new DataView(info.buffer), "btfSize");
    return written < size ? bytes.subarray(0, written) : bytes;
  } finally {
    closeRaw(fd);
  }
}

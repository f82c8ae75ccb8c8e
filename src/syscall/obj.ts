/**
 * Builders for commands that work on any bpf object: pinning, opening by id, reading info.
 *
 * @module
 */
import { GetIdAttr, InfoAttr, ObjAttr } from "./attr.js";
import { bpfCall } from "./bpf.js";
import { BpfCmd } from "./commands.js";
import { addressOf } from "./libc.js";

function cString(s: string): Uint8Array {
  const bytes = new TextEncoder().encode(s);
  if (bytes.includes(0)) throw new RangeError(`path contains a NUL byte: ${JSON.stringify(s)}`);
  const out = new Uint8Array(new ArrayBuffer(bytes.length + 1));
  out.set(bytes);
  return out;
}

/** BPF_OBJ_PIN: pin `fd` at `path` in a bpffs. */
export function objPin(fd: number, path: string): void {
  const name = cString(path);
  bpfCall(BpfCmd.OBJ_PIN, ObjAttr.build({ pathname: addressOf(name), bpfFd: fd }));
}

/** BPF_OBJ_GET: open the object pinned at `path`; returns a new fd. */
export function objGet(path: string, fileFlags = 0): number {
  const name = cString(path);
  return bpfCall(BpfCmd.OBJ_GET, ObjAttr.build({ pathname: addressOf(name), fileFlags }));
}

/**
 * BPF_OBJ_GET_INFO_BY_FD into `info`; the kernel writes at most `info.byteLength` bytes and
 * returns how many it knows of.
 */
export function objGetInfoByFd(fd: number, info: Uint8Array): number {
  const attr = InfoAttr.build({ bpfFd: fd, infoLen: info.byteLength, info: addressOf(info) });
  bpfCall(BpfCmd.OBJ_GET_INFO_BY_FD, attr);
  return InfoAttr.get(new DataView(attr.buffer), "infoLen");
}

/** BPF_{PROG,MAP,LINK,BTF}_GET_FD_BY_ID. */
export function objGetFdById(
  cmd:
    | typeof BpfCmd.PROG_GET_FD_BY_ID
    | typeof BpfCmd.MAP_GET_FD_BY_ID
    | typeof BpfCmd.LINK_GET_FD_BY_ID
    | typeof BpfCmd.BTF_GET_FD_BY_ID,
  id: number,
): number {
  return bpfCall(cmd, GetIdAttr.build({ id }));
}

/**
 * Builder for BPF_BTF_LOAD.
 *
 * @module
 */
import { BtfLoadAttr } from "./attr.js";
import { bpfCall } from "./bpf.js";
import { BpfCmd } from "./commands.js";
import { addressOf } from "./libc.js";

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

// The two ways examples/rps.ts counts get_rps_cpu() decisions: an fexit program (arguments and
// return value in one program, attached through a BPF trampoline) and a kprobe / kretprobe pair
// (the entry probe keeps the ifindex for the return probe). Both fill the same table.
import { AttachType, loadCollectionSpec, newCollection, NotSupportedError, SyscallError, type Collection, type CollectionSpec } from "ebpf";
import type { Spec } from "ebpf/btf";
import { attachTracing, kprobe, kretprobe, type Link } from "ebpf/link";
import { ExampleError } from "../shared/fail.js";

/** One row of the table: `struct rps_key` of bpf/rps.h and its count. */
export interface Decision {
  ifindex: number;
  numaNode: number;
  cpu: number;
  targetCpu: number;
  packets: bigint;
}

/**
 * A method of counting: `run` loads and attaches it, calls `warmUp` (not counted: the first
 * packets after an attach pay for the kernel's code patching, which an emulator makes very
 * dear), then `body`, and adds what `body`'s packets were counted as to `decisions`.
 *
 * @example
 * ```ts
 * const t = fexitTracer(loadKernelSpec(), veth.ifindex);
 * await t.run(() => veth.send(100, 8), () => veth.send(1000, 8));
 * console.log(t.decisions);
 * ```
 */
export interface Tracer {
  readonly name: string;
  readonly decisions: Map<string, Decision>;
  run<T>(warmUp: () => void, body: () => T): Promise<T>;
}

const bpfDir = new URL("../../bpf/", import.meta.url);

/** The message of a refused load or attach, as one sentence. */
function refusal(method: string, err: unknown): unknown {
  if (err instanceof NotSupportedError) return new ExampleError(`${method} cannot run on this kernel: ${err.message}`);
  if (err instanceof SyscallError && err.code === "EPERM") {
    return new ExampleError(`this kernel refuses ${method} programs (${err.code}: not root, lockdown, or a policy that forbids them)`);
  }
  return err;
}

function collect(coll: Collection, into: Map<string, Decision>): void {
  for (const [key, value] of coll.maps.decisions!.entries()) {
    const k = new DataView(key.buffer, key.byteOffset, key.byteLength);
    const row: Decision = {
      ifindex: k.getUint32(0, true),
      numaNode: k.getUint32(4, true),
      cpu: k.getUint32(8, true),
      targetCpu: k.getInt32(12, true),
      packets: new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0, true),
    };
    const id = `${row.ifindex}/${row.numaNode}/${row.cpu}/${row.targetCpu}`;
    const seen = into.get(id);
    if (seen) seen.packets += row.packets;
    else into.set(id, row);
  }
}

function tracer(
  name: string,
  object: string,
  ifindex: number,
  load: (spec: CollectionSpec) => Collection,
  attach: (coll: Collection) => Link[],
): Tracer {
  const decisions = new Map<string, Decision>();
  return {
    name,
    decisions,
    async run<T>(warmUp: () => void, body: () => T): Promise<T> {
      const spec = await loadCollectionSpec(new URL(object, bpfDir).pathname);
      spec.variables.target_ifindex!.set(ifindex);
      let coll: Collection;
      try {
        coll = load(spec);
      } catch (err) {
        throw refusal(name, err);
      }
      const links: Link[] = [];
      try {
        try {
          links.push(...attach(coll));
        } catch (err) {
          throw refusal(name, err);
        }
        warmUp();
        const counts = coll.maps.decisions!;
        for (const key of [...counts.keys()]) counts.delete(key);
        return body();
      } finally {
        for (const l of links) l.close();
        collect(coll, decisions);
        coll.close();
      }
    },
  };
}

/**
 * get_rps_cpu() traced by fexit (Linux 5.5+): the program is loaded with `kernelTypes` so its
 * attach target and CO-RE relocations resolve against the given kernel BTF. A fresh load per run:
 * before 5.13 a trampoline program attaches only once.
 *
 * @example
 * ```ts
 * const t = fexitTracer(loadKernelSpec(), 7);
 * ```
 */
export function fexitTracer(kernelTypes: Spec, ifindex: number): Tracer {
  return tracer(
    "fexit",
    "rps_fexit.o",
    ifindex,
    (spec) => newCollection(spec, { programs: { kernelTypes } }),
    (coll) => [attachTracing({ program: coll.programs.rps_fexit!, attachType: AttachType.AttachTraceFExit })],
  );
}

/**
 * get_rps_cpu() traced by a kprobe on entry and a kretprobe on return (kprobes: CONFIG_KPROBES).
 *
 * @example
 * ```ts
 * const t = kprobeTracer(7);
 * ```
 */
export function kprobeTracer(ifindex: number): Tracer {
  return tracer(
    "kprobe/kretprobe",
    "rps_kprobe.o",
    ifindex,
    (spec) => newCollection(spec),
    (coll) => [kprobe("get_rps_cpu", coll.programs.rps_kprobe!), kretprobe("get_rps_cpu", coll.programs.rps_kretprobe!)],
  );
}

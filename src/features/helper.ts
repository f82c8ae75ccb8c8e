/**
 * `haveProgramHelper`: may programs of a type call a helper in the running kernel?
 *
 * @module
 */
import { BuiltinFunc, builtinFuncs, Call } from "../asm/index.js";
import { ArgumentError, NotSupportedError } from "../errors.js";
import { ProgramType, programTypeName } from "../prog/types.js";
import { VerifierError } from "../prog/verifier-error.js";
import { Errno } from "../syscall/index.js";
import { FeatureCache } from "./cache.js";
import { haveProgramType, probeLoadInput, programProbe } from "./prog.js";
import { probeInstructions, tryLoadProgram } from "./probe.js";

/** These types load only against an attach target, so a bare probe program cannot tell. */
const unprobeable = new Set<number>([
  ProgramType.Tracing,
  ProgramType.StructOps,
  ProgramType.Extension,
  ProgramType.LSM,
]);

/** The verifier's reasons appear in the last lines of the log. */
const TAIL_LINES = 5;

const cache = new FeatureCache<string>();

/**
 * Check that programs of type `type` may call helper `helper` (an id from `enum bpf_func_id` or
 * an `ebpf/asm` helper such as `asm.FnMapLookupElem`) by loading a program that calls it, once;
 * the answer is cached. Returns when they may. Throws `NotSupportedError` when the kernel lacks the
 * helper (naming its first kernel) or the program type may not use it (or the type itself is
 * missing); the probe's own error when it cannot tell; `ArgumentError` for Tracing, StructOps,
 * Extension and LSM programs, which need an attach target to load.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * import { haveProgramHelper } from "ebpf/features";
 * import { ProgramType } from "ebpf";
 * haveProgramHelper(ProgramType.XDP, asm.FnMapLookupElem); // returns
 * haveProgramHelper(ProgramType.XDP, asm.FnOverrideReturn); // throws NotSupportedError
 * ```
 */
export function haveProgramHelper(type: number, helper: number | BuiltinFunc): void {
  const id = helper instanceof BuiltinFunc ? helper.id : helper;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
    throw new ArgumentError(`haveProgramHelper: helper must be a helper id or an asm BuiltinFunc, got ${String(helper)}`);
  }
  const probe = programProbe(type, "haveProgramHelper");
  if (unprobeable.has(type)) {
    throw new ArgumentError(
      `haveProgramHelper: no helper probe for ${programTypeName(type)} programs (they load only against an attach target)`,
    );
  }
  const fn = builtinFuncs[id];
  const helperName = fn ? `${fn.helperName} helper` : `helper #${id}`;
  cache.result(`${type}:${id}`, () => {
    haveProgramType(type);
    const { error, log } = tryLoadProgram(
      // GPL, so that GPL-only helpers are judged on the program type alone.
      { ...probeLoadInput(type, probe), license: "GPL", insns: probeInstructions([Call(id)]) },
      true,
    );
    // EACCES: the helper exists but the probe's registers are not valid arguments for it.
    if (error === undefined || error.errno === Errno.EACCES) return;
    const tail = log.trimEnd().split("\n").slice(-TAIL_LINES);
    const says = (...needles: string[]): boolean => tail.some((line) => needles.every((n) => line.includes(n)));
    if (error.errno === Errno.EINVAL) {
      if (says("invalid func", `#${id}`)) {
        throw new NotSupportedError(helperName, fn?.minKernel, { cause: error });
      }
      // Kernels before 4.10 print "unknown func" without the id.
      if (says("program of this type cannot use helper", `#${id}`) || says("unknown func")) {
        throw new NotSupportedError(`${helperName} in ${programTypeName(type)} programs`, undefined, {
          cause: error,
        });
      }
    }
    throw new VerifierError(`${programTypeName(type)}_probe`, error.errno, log);
  });
}

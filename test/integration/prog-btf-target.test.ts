import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { loadKernelSpec } from "../../src/btf/index.js";
import { NotSupportedError } from "../../src/errors.js";
import { AttachType, newProgram, ProgramType, VerifierError } from "../../src/prog/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

const ret0 = (): asm.Instruction[] => [asm.Mov.Imm(asm.R0, 0), asm.Return()];

describe("attachTo in kernel BTF", () => {
  it("loads a tp_btf program against btf_trace_<tracepoint>", () => {
    using prog = newProgram({
      type: ProgramType.Tracing,
      attachType: AttachType.AttachTraceRawTp,
      attachTo: "sched_switch",
      name: "tp_btf_switch",
      license: "GPL",
      instructions: ret0(),
    });
    expect(prog.type).toBe(ProgramType.Tracing);
    const info = prog.info();
    expect(info.type).toBe(ProgramType.Tracing);
    expect(loadKernelSpec().typeIDsByName("btf_trace_sched_switch")).toContain(info.attachBtfId);
    expect(info.attachBtfObjId).toBeGreaterThan(0);
  });

  it("loads an iterator against bpf_iter_<name>", () => {
    using prog = newProgram({
      type: ProgramType.Tracing,
      attachType: AttachType.AttachTraceIter,
      attachTo: "task",
      license: "GPL",
      instructions: ret0(),
    });
    expect(prog.info().verifiedInstructions).toBe(2);
  });

  it("accepts the kernel types as a spec or a function", () => {
    let calls = 0;
    const kernelTypes = () => {
      calls++;
      return loadKernelSpec();
    };
    const spec = {
      type: ProgramType.Tracing,
      attachType: AttachType.AttachTraceRawTp,
      attachTo: "sched_switch",
      license: "GPL",
      instructions: ret0(),
    };
    newProgram(spec, { kernelTypes }).close();
    expect(calls).toBe(1);
    newProgram(spec, { kernelTypes: loadKernelSpec() }).close();
    // Programs without a BTF target never ask for kernel types.
    newProgram({ type: ProgramType.XDP, attachTo: "eth0", license: "GPL", instructions: ret0() }, { kernelTypes }).close();
    expect(calls).toBe(1);
  });

  it("throws NotSupportedError for a target the kernel does not have", () => {
    expect(() =>
      newProgram({
        type: ProgramType.Tracing,
        attachType: AttachType.AttachTraceRawTp,
        attachTo: "no_such_tracepoint_xyz",
        license: "GPL",
        instructions: ret0(),
      }),
    ).toThrow(NotSupportedError);
  });

  it("leaves a Tracing program without attachTo to the verifier", () => {
    let err: unknown;
    try {
      newProgram({
        type: ProgramType.Tracing,
        attachType: AttachType.AttachTraceRawTp,
        license: "GPL",
        instructions: ret0(),
      }).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).log).toContain("Tracing programs must provide btf_id");
  });
});

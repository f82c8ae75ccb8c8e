import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { loadKernelSpec } from "../../src/btf/index.js";
import { NotSupportedError } from "../../src/errors.js";
import { AttachType, newProgram, ProgramType, VerifierError } from "../../src/prog/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unlessKernelMember } from "../helpers/kernel.js";

expectNoFdLeaks();

// Fields of struct bpf_prog_info the running kernel fills in, read from its BTF.
const noAttachBtfId = unlessKernelMember("bpf_prog_info", "attach_btf_id", "attach_btf_id needs Linux 5.16");
const noVerifiedInsns = unlessKernelMember("bpf_prog_info", "verified_insns", "verified_insns needs Linux 5.16");

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
    if (noAttachBtfId !== undefined) {
      // The kernel does not report the target: the fields stay 0.
      expect([info.attachBtfId, info.attachBtfObjId]).toEqual([0, 0]);
      return;
    }
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
    // verified_insns (5.16): older kernels leave the field out, so it reads 0.
    expect(prog.info().verifiedInstructions).toBe(noVerifiedInsns === undefined ? 2 : 0);
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

import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { ArgumentError, ClosedError } from "../../src/errors.js";
import {
  AttachType,
  LogLevel,
  newProgram,
  Program,
  ProgramType,
  programTypeName,
  attachTypeName,
  VerifierError,
} from "../../src/prog/index.js";
import { SyscallError } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

const xdpPass = (): asm.Instruction[] => [asm.Mov.Imm(asm.R0, 2), asm.Return()];

describe("newProgram", () => {
  it("loads builder output and reports fd, name and type", () => {
    using prog = newProgram({ type: ProgramType.XDP, name: "xdp_pass", license: "GPL", instructions: xdpPass() });
    expect(prog).toBeInstanceOf(Program);
    expect(prog.fd).toBeGreaterThan(2);
    expect(prog.name).toBe("xdp_pass");
    expect(prog.type).toBe(ProgramType.XDP);
    expect(prog.verifierLog).toBe("");
    expect(String(prog)).toBe("XDP(xdp_pass)");
  });

  it("loads raw encoded bytes", () => {
    // r0 = 1; exit
    const bytes = new Uint8Array([0xb7, 0x00, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    using prog = newProgram({ type: ProgramType.SocketFilter, license: "MIT", instructions: bytes });
    expect(prog.run({ data: new Uint8Array(64) }).retval).toBe(1);
  });

  it("resolves labels before loading", () => {
    using prog = newProgram({
      type: ProgramType.XDP,
      license: "GPL",
      instructions: [
        asm.Mov.Imm(asm.R0, 1),
        asm.JEq.Imm(asm.R0, 1, "out"),
        asm.Mov.Imm(asm.R0, 0),
        asm.Mov.Imm(asm.R0, 2).withSymbol("out"),
        asm.Return(),
      ],
    });
    expect(prog.run({ data: new Uint8Array(64) }).retval).toBe(2);
  });

  it("passes the expected attach type", () => {
    using prog = newProgram({
      type: ProgramType.CGroupSockAddr,
      attachType: AttachType.AttachCGroupInet4Connect,
      license: "GPL",
      instructions: [asm.Mov.Imm(asm.R0, 1), asm.Return()],
    });
    expect(prog.type).toBe(ProgramType.CGroupSockAddr);
  });

  it("keeps the kernel's name within 15 valid characters", () => {
    using prog = newProgram({
      type: ProgramType.XDP,
      name: "a-very.long_program-name",
      license: "GPL",
      instructions: xdpPass(),
    });
    expect(prog.name).toBe("a-very.long_program-name");
    expect(prog.info().name).toBe("avery.long_prog");
  });

  it("returns the verifier log when a log level is set", () => {
    using prog = newProgram(
      { type: ProgramType.XDP, license: "GPL", instructions: xdpPass() },
      { logLevel: LogLevel.Instruction },
    );
    expect(prog.verifierLog).toContain("0: (b7) r0 = 2");
    expect(prog.verifierLog).toMatch(/processed 2 insns/);
  });

  it("grows a log buffer that is too small (ENOSPC) until the whole log fits", () => {
    // Enough instructions that the level-2 log is far larger than the 128-byte minimum.
    const insns = [...Array.from({ length: 50 }, (_, i) => asm.Mov.Imm(asm.R0, i)), asm.Return()];
    using prog = newProgram(
      { type: ProgramType.SocketFilter, license: "GPL", instructions: insns },
      { logLevel: LogLevel.Instruction, logSize: 128 },
    );
    expect(prog.verifierLog.length).toBeGreaterThan(1024);
    expect(prog.verifierLog).toContain("49: (b7) r0 = 49");
    expect(prog.verifierLog).toMatch(/processed 51 insns/);
  });

  it("names program and attach types as cilium/ebpf does", () => {
    expect(programTypeName(ProgramType.SocketFilter)).toBe("SocketFilter");
    expect(programTypeName(ProgramType.Netfilter)).toBe("Netfilter");
    expect(programTypeName(999)).toBe("ProgramType(999)");
    expect(ProgramType.Tracing).toBe(26);
    expect(AttachType.AttachXDP).toBe(37);
    expect(AttachType.AttachTraceFEntry).toBe(24);
    expect(AttachType.AttachTraceUprobeSession).toBe(57);
    expect(attachTypeName(0)).toBe("AttachCGroupInetIngress");
    expect(attachTypeName(AttachType.AttachNetkitPeer)).toBe("AttachNetkitPeer");
  });
});

describe("verifier errors", () => {
  it("explains a read of an uninitialised register", () => {
    let caught: unknown;
    try {
      newProgram({
        type: ProgramType.XDP,
        name: "uninit",
        license: "GPL",
        instructions: [asm.Mov.Reg(asm.R0, asm.R2), asm.Return()],
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(VerifierError);
    expect(caught).toBeInstanceOf(SyscallError);
    const err = caught as VerifierError;
    expect(err.program).toBe("uninit");
    expect(err.code).toBe("EACCES");
    expect(err.command).toBe("BPF_PROG_LOAD");
    expect(err.log).toContain("R2 !read_ok");
    expect(err.lines).toContain("R2 !read_ok");
    expect(err.lines.at(-1)).toMatch(/^processed \d+ insns/);
    // The summary: the failing instruction and the reason, not the whole log.
    expect(err.message).toBe(
      `program uninit: BPF_PROG_LOAD: EACCES: 0: (bf) r0 = r2: R2 !read_ok (${err.lines.length - 2} line(s) omitted)`,
    );
  });

  it("reports the log of a program with an unknown helper", () => {
    const err = catchError(() =>
      newProgram({ type: ProgramType.XDP, license: "GPL", instructions: [asm.Call(10000), asm.Return()] }),
    );
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).code).toBe("EINVAL");
    expect((err as VerifierError).message).toContain("invalid func unknown#10000");
  });

  it("rejects invalid instruction bytes with a VerifierError", () => {
    // Opcode 0xff does not exist.
    const bytes = new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    const err = catchError(() => newProgram({ type: ProgramType.SocketFilter, instructions: bytes }));
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).code).toBe("EINVAL");
    expect((err as VerifierError).log).toContain("unknown opcode ff");
  });

  it("with logDisabled fails without a log", () => {
    const err = catchError(() =>
      newProgram(
        { type: ProgramType.XDP, license: "GPL", instructions: [asm.Mov.Reg(asm.R0, asm.R2), asm.Return()] },
        { logDisabled: true },
      ),
    );
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).log).toBe("");
    expect((err as VerifierError).message).toBe("program: BPF_PROG_LOAD: EACCES");
  });

  it("fails a program without exit", () => {
    const err = catchError(() =>
      newProgram({ type: ProgramType.XDP, license: "GPL", instructions: [asm.Mov.Imm(asm.R0, 0)] }),
    );
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).log.length).toBeGreaterThan(0);
  });

  it("reports a verifier that signals interrupt on every attempt as EAGAIN, not as a verdict", async () => {
    // A bounded loop the verifier walks 100000 times (about 150 ms here, Linux 5.3+), so a
    // signal is pending during each of the 6 attempts; the verifier then stops with EAGAIN.
    const loop = [
      asm.Mov.Imm(asm.R1, 0),
      asm.Add.Imm(asm.R1, 1).withSymbol("top"),
      asm.JLT.Imm(asm.R1, 100000, "top"),
      asm.Mov.Imm(asm.R0, 0),
      asm.Return(),
    ];
    let firstSignal!: () => void;
    const signalled = new Promise<void>((resolve) => (firstSignal = resolve));
    const onSignal = () => firstSignal();
    process.on("SIGUSR2", onSignal);
    const storm = spawn("sh", ["-c", `while kill -USR2 ${process.pid} 2>/dev/null; do :; done`], { stdio: "ignore" });
    try {
      await signalled;
      const err = catchError(() => newProgram({ type: ProgramType.SocketFilter, license: "MIT", instructions: loop }));
      expect(err).toBeInstanceOf(SyscallError);
      expect(err).not.toBeInstanceOf(VerifierError);
      expect((err as SyscallError).errno).toBe(11);
      expect((err as SyscallError).message).toMatch(/^BPF_PROG_LOAD: \w+: program: signals interrupted the verifier on every attempt$/);
    } finally {
      const exited = once(storm, "exit");
      storm.kill("SIGKILL");
      await exited;
      process.off("SIGUSR2", onSignal);
    }
  });
});

describe("bad input", () => {
  it("rejects empty instructions", () => {
    expect(() => newProgram({ type: ProgramType.XDP, instructions: [] })).toThrow(ArgumentError);
    expect(() => newProgram({ type: ProgramType.XDP, instructions: new Uint8Array(0) })).toThrow(ArgumentError);
  });

  it("rejects bytes that are not whole instructions", () => {
    expect(() => newProgram({ type: ProgramType.XDP, instructions: new Uint8Array(12) })).toThrow(/multiple of 8/);
  });

  it("rejects things that are not instructions", () => {
    const bogus = [{ opcode: 0x95 }] as unknown as asm.Instruction[];
    expect(() => newProgram({ type: ProgramType.XDP, instructions: bogus })).toThrow(ArgumentError);
    const notArray = "exit" as unknown as Uint8Array;
    expect(() => newProgram({ type: ProgramType.XDP, instructions: notArray })).toThrow(ArgumentError);
  });

  it("rejects an unset or malformed type, attach type and log options", () => {
    expect(() => newProgram({ type: ProgramType.UnspecifiedProgram, instructions: xdpPass() })).toThrow(
      /program type is not set/,
    );
    expect(() => newProgram({ type: -1, instructions: xdpPass() })).toThrow(ArgumentError);
    expect(() => newProgram({ type: ProgramType.XDP, attachType: 1.5, instructions: xdpPass() })).toThrow(
      ArgumentError,
    );
    expect(() => newProgram({ type: ProgramType.XDP, instructions: xdpPass() }, { logSize: 16 })).toThrow(
      /logSize/,
    );
    expect(() => newProgram({ type: ProgramType.XDP, instructions: xdpPass() }, { logLevel: -1 })).toThrow(
      /logLevel/,
    );
    expect(() => newProgram(null as unknown as { type: number; instructions: Uint8Array })).toThrow(ArgumentError);
  });

  it("reports an unknown program type as a VerifierError with EINVAL", () => {
    const err = catchError(() => newProgram({ type: 9999, instructions: xdpPass() }));
    expect(err).toBeInstanceOf(VerifierError);
    expect((err as VerifierError).code).toBe("EINVAL");
  });

  it("throws ClosedError after close, and close is idempotent", () => {
    const prog = newProgram({ type: ProgramType.XDP, name: "closed", license: "GPL", instructions: xdpPass() });
    prog.close();
    prog.close();
    expect(() => prog.fd).toThrow(ClosedError);
    expect(() => prog.run({ data: new Uint8Array(64) })).toThrow(ClosedError);
    expect(() => prog.info()).toThrow(ClosedError);
    expect(() => prog.stats()).toThrow(ClosedError);
    expect(() => prog.pin("/sys/fs/bpf/x")).toThrow(ClosedError);
    expect(() => prog.benchmark(new Uint8Array(64), 1)).toThrow(ClosedError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    const result = fn();
    if (result instanceof Program) result.close();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

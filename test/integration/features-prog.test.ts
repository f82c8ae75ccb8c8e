import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { ArgumentError, NotSupportedError } from "../../src/errors.js";
import { probesRun } from "../../src/features/cache.js";
import { haveMemcgAccounting, haveProgramHelper, haveProgramType, removeMemlock } from "../../src/features/index.js";
import { ProgramType } from "../../src/prog/index.js";
import { getRlimit, RLIMIT_MEMLOCK, SyscallError } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unless, unlessKernelEnumValue, why } from "../helpers/kernel.js";

expectNoFdLeaks();

describe("haveProgramType", () => {
  it("finds XDP and socket filters", () => {
    expect(() => haveProgramType(ProgramType.XDP)).not.toThrow();
    expect(() => haveProgramType(ProgramType.SocketFilter)).not.toThrow();
  });

  it("finds types that need an attach type, a flag or a BTF target", () => {
    expect(() => haveProgramType(ProgramType.CGroupSockAddr)).not.toThrow();
    expect(() => haveProgramType(ProgramType.CGroupSockopt)).not.toThrow();
    expect(() => haveProgramType(ProgramType.SkLookup)).not.toThrow();
    expect(() => haveProgramType(ProgramType.Tracing)).not.toThrow();
    expect(() => haveProgramType(ProgramType.StructOps)).not.toThrow();
  });

  // Whether the kernel knows a type is read from its BTF (enum bpf_prog_type), independently of
  // the probe under test: where the type exists the probe must find it, elsewhere refuse it.
  for (const [name, type, value, min] of [
    ["Syscall", ProgramType.Syscall, "BPF_PROG_TYPE_SYSCALL", "5.14"],
    ["Netfilter", ProgramType.Netfilter, "BPF_PROG_TYPE_NETFILTER", "6.4"],
  ] as const) {
    const missing = unlessKernelEnumValue("bpf_prog_type", value, "missing");
    it(`finds ${name} where the kernel's enum bpf_prog_type has ${value} (Linux ${min}), refuses it elsewhere`, () => {
      if (missing) {
        expect(() => haveProgramType(type)).toThrow(NotSupportedError);
        return;
      }
      expect(() => haveProgramType(type)).not.toThrow();
    });
  }

  it("answers every type with yes, NotSupportedError, or the probe's own syscall error", () => {
    for (const [name, type] of Object.entries(ProgramType)) {
      if (type === ProgramType.UnspecifiedProgram) continue;
      try {
        haveProgramType(type);
      } catch (err) {
        // Compiled-out types (LircMode2 without CONFIG_BPF_LIRC_MODE2) are a conclusive no;
        // a kernel that refuses trampoline programs (EPERM) leaves LSM/Extension unknown.
        if (err instanceof NotSupportedError) {
          expect(err.message, name).toMatch(new RegExp(`^${name} program type not supported \\(requires Linux \\d+\\.\\d+\\)$`));
        } else {
          expect(err, name).toBeInstanceOf(SyscallError);
        }
      }
    }
  });

  it("caches the answer", () => {
    haveProgramType(ProgramType.XDP);
    const before = probesRun();
    haveProgramType(ProgramType.XDP);
    expect(probesRun()).toBe(before);
  });

  it("rejects a type it has no probe for", () => {
    expect(() => haveProgramType(ProgramType.UnspecifiedProgram)).toThrow(ArgumentError);
    expect(() => haveProgramType(1000)).toThrow(ArgumentError);
  });
});

describe("haveProgramHelper", () => {
  it("finds bpf_map_lookup_elem for XDP, by BuiltinFunc or id", () => {
    expect(() => haveProgramHelper(ProgramType.XDP, asm.FnMapLookupElem)).not.toThrow();
    expect(() => haveProgramHelper(ProgramType.XDP, 1)).not.toThrow();
    expect(() => haveProgramHelper(ProgramType.XDP, asm.FnKtimeGetNs)).not.toThrow();
    expect(() => haveProgramHelper(ProgramType.Kprobe, asm.FnGetCurrentPidTgid)).not.toThrow();
  });

  it("throws NotSupportedError for a helper the program type may not use", () => {
    let err: unknown;
    try {
      haveProgramHelper(ProgramType.XDP, asm.FnOverrideReturn);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as NotSupportedError).message).toBe(
      "bpf_override_return helper in XDP programs not supported by the running kernel",
    );
  });

  it("throws NotSupportedError for a helper the kernel does not have", () => {
    expect(() => haveProgramHelper(ProgramType.SocketFilter, 100_000)).toThrow(NotSupportedError);
    expect(() => haveProgramHelper(ProgramType.SocketFilter, 100_000)).toThrow(/helper #100000/);
  });

  it("caches answers, negative ones included", () => {
    expect(() => haveProgramHelper(ProgramType.XDP, asm.FnOverrideReturn)).toThrow(NotSupportedError);
    haveProgramHelper(ProgramType.XDP, asm.FnMapLookupElem);
    const before = probesRun();
    expect(() => haveProgramHelper(ProgramType.XDP, asm.FnOverrideReturn)).toThrow(NotSupportedError);
    haveProgramHelper(ProgramType.XDP, asm.FnMapLookupElem);
    expect(probesRun()).toBe(before);
  });

  it("refuses types that need an attach target, and bad helper ids", () => {
    expect(() => haveProgramHelper(ProgramType.Tracing, asm.FnMapLookupElem)).toThrow(ArgumentError);
    expect(() => haveProgramHelper(ProgramType.LSM, asm.FnMapLookupElem)).toThrow(/attach target/);
    expect(() => haveProgramHelper(ProgramType.XDP, -1)).toThrow(ArgumentError);
    expect(() => haveProgramHelper(ProgramType.XDP, 1.5)).toThrow(ArgumentError);
  });
});

describe("removeMemlock", () => {
  const noMemcg = unless(haveMemcgAccounting, "memcg accounting of BPF memory needs Linux 5.11");
  it.skipIf(noMemcg !== undefined)(`leaves RLIMIT_MEMLOCK alone on a kernel with memcg accounting (5.11+)${why(noMemcg)}`, () => {
    const before = getRlimit(RLIMIT_MEMLOCK);
    expect(() => haveMemcgAccounting()).not.toThrow();
    removeMemlock();
    expect(getRlimit(RLIMIT_MEMLOCK)).toEqual(before);
  });
});

import { describe, expect, it } from "vitest";
import {
  BtfLoadAttr,
  InfoAttr,
  MapBatchAttr,
  MapCreateAttr,
  MapElemAttr,
  MapInfo,
  ProgInfo,
  ProgLoadAttr,
  ProgTestRunAttr,
  RawTracepointOpenAttr,
} from "../../src/syscall/attr.js";
import { bpfCmdName } from "../../src/syscall/commands.js";
import { errnoName, SyscallError } from "../../src/syscall/error.js";
import { struct, u32, u64, ptr, chars } from "../../src/syscall/layout.js";

// Offsets as gcc computes them from linux/bpf.h (offsetof on union bpf_attr and the info structs).
describe("bpf_attr layouts match linux/bpf.h", () => {
  it("BPF_MAP_CREATE", () => {
    expect(MapCreateAttr.offsets.mapName).toBe(28);
    expect(MapCreateAttr.offsets.btfVmlinuxValueTypeId).toBe(60);
    expect(MapCreateAttr.offsets.mapExtra).toBe(64);
    expect(MapCreateAttr.offsets.mapTokenFd).toBe(76);
    expect(MapCreateAttr.size).toBe(80);
  });
  it("BPF_MAP_*_ELEM and batch", () => {
    expect(MapElemAttr.offsets).toEqual({ mapFd: 0, key: 8, value: 16, flags: 24 });
    expect(MapElemAttr.size).toBe(32);
    expect(MapBatchAttr.offsets.count).toBe(32);
    expect(MapBatchAttr.offsets.elemFlags).toBe(40);
    expect(MapBatchAttr.offsets.flags).toBe(48);
  });
  it("BPF_PROG_LOAD", () => {
    expect(ProgLoadAttr.offsets.logBuf).toBe(32);
    expect(ProgLoadAttr.offsets.progName).toBe(48);
    expect(ProgLoadAttr.offsets.attachBtfObjFd).toBe(112);
    expect(ProgLoadAttr.offsets.fdArray).toBe(120);
    expect(ProgLoadAttr.offsets.coreRelos).toBe(128);
    expect(ProgLoadAttr.offsets.coreReloRecSize).toBe(136);
    expect(ProgLoadAttr.offsets.logTrueSize).toBe(140);
  });
  it("BPF_PROG_TEST_RUN, RAW_TRACEPOINT_OPEN, BTF_LOAD, OBJ_GET_INFO_BY_FD", () => {
    expect(ProgTestRunAttr.offsets.ctxIn).toBe(48);
    expect(ProgTestRunAttr.offsets.batchSize).toBe(72);
    expect(RawTracepointOpenAttr.offsets.progFd).toBe(8);
    expect(BtfLoadAttr.offsets.btfLogLevel).toBe(24);
    expect(InfoAttr.offsets.info).toBe(8);
  });
  it("bpf_prog_info and bpf_map_info", () => {
    expect(ProgInfo.offsets.name).toBe(64);
    expect(ProgInfo.offsets.btfId).toBe(128);
    expect(ProgInfo.offsets.runCnt).toBe(200);
    expect(ProgInfo.offsets.verifiedInsns).toBe(216);
    expect(ProgInfo.size).toBe(232);
    expect(MapInfo.offsets.mapExtra).toBe(80);
  });
});

describe("layout engine", () => {
  it("aligns 64-bit fields and pads the tail", () => {
    const s = struct({ a: u32, b: u64, c: u32 });
    expect(s.offsets).toEqual({ a: 0, b: 8, c: 16 });
    expect(s.size).toBe(24);
  });
  it("writes NUL-terminated names, cut to fit", () => {
    const s = struct({ fd: u32, name: chars(4), p: ptr });
    const bytes = s.build({ fd: 7, name: "abcdef", p: 0x1234n });
    expect([...bytes.subarray(4, 8)]).toEqual([97, 98, 99, 0]);
    expect(s.get64(new DataView(bytes.buffer), "p")).toBe(0x1234n);
  });
  it("writes 64-bit fields given as numbers above 32 bits exactly; a negative one wraps as a bigint does", () => {
    const s = struct({ p: ptr, n: u64 });
    const bytes = s.build({ p: 0x7f12_3456_789a, n: 2 ** 53 - 1 });
    const view = new DataView(bytes.buffer);
    expect(s.get64(view, "p")).toBe(0x7f12_3456_789an);
    expect(s.get64(view, "n")).toBe(2n ** 53n - 1n);
    expect(s.get64(new DataView(s.build({ n: -1 }).buffer), "n")).toBe(2n ** 64n - 1n);
  });
  it("skips the fields it is told to, and sets one field at a time", () => {
    const s = struct({ fd: u32, buf: ptr, len: u32 });
    const bytes = s.build({ fd: 3, buf: new Uint8Array(8), len: 9 }, new Set(["buf"] as const));
    const view = new DataView(bytes.buffer);
    expect([s.get(view, "fd"), s.get64(view, "buf"), s.get(view, "len")]).toEqual([3, 0n, 9]);
    s.set(view, "buf", 0xabcdn);
    expect(s.get64(view, "buf")).toBe(0xabcdn);
  });
});

describe("errors", () => {
  it("names errno and command", () => {
    expect(errnoName(2)).toBe("ENOENT");
    expect(errnoName(524)).toBe("ENOTSUPP");
    expect(bpfCmdName(0)).toBe("BPF_MAP_CREATE");
    const err = new SyscallError("BPF_MAP_LOOKUP_ELEM", 2);
    expect(err.code).toBe("ENOENT");
    expect(err.message).toBe("BPF_MAP_LOOKUP_ELEM: ENOENT");
  });
});

import { describe, expect, it } from "vitest";
import { ArgumentError, NotSupportedError } from "../../src/errors.js";
import { probesRun } from "../../src/features/cache.js";
import { haveMapType } from "../../src/features/index.js";
import { MapType } from "../../src/map/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unlessArena } from "../helpers/kernel.js";

expectNoFdLeaks();


describe("haveMapType", () => {
  it("finds the basic map types", () => {
    expect(() => haveMapType(MapType.Hash)).not.toThrow();
    expect(() => haveMapType(MapType.Array)).not.toThrow();
  });

  it("handles the types whose minimal map is special", () => {
    // Ring buffer size, keyless queue, inner map fd, BTF-only storage and struct_ops.
    expect(() => haveMapType(MapType.RingBuf)).not.toThrow();
    expect(() => haveMapType(MapType.Queue)).not.toThrow();
    expect(() => haveMapType(MapType.ArrayOfMaps)).not.toThrow();
    expect(() => haveMapType(MapType.SkStorage)).not.toThrow();
    expect(() => haveMapType(MapType.StructOpsMap)).not.toThrow();
  });

  it("answers every known map type conclusively", () => {
    for (const type of Object.values(MapType)) {
      if (type === MapType.UnspecifiedMap) continue;
      try {
        haveMapType(type);
      } catch (err) {
        // A host policy may refuse a type to root (arena maps on some CI hosts): that EPERM is
        // the kernel's answer, not a probe bug, since this process makes other maps.
        if (type === MapType.Arena && unlessArena()?.includes("EPERM")) continue;
        // Only a type compiled out of this kernel may be missing; anything else is a probe bug.
        expect(err, `map type ${type}`).toBeInstanceOf(NotSupportedError);
        expect((err as NotSupportedError).minKernel, `map type ${type}`).toMatch(/^\d+\.\d+$/);
      }
    }
  });

  it("answers a second question from the cache", () => {
    haveMapType(MapType.Hash);
    const before = probesRun();
    haveMapType(MapType.Hash);
    haveMapType(MapType.Hash);
    expect(probesRun()).toBe(before);
  });

  it("rejects a type it has no probe for", () => {
    expect(() => haveMapType(0)).toThrow(ArgumentError);
    expect(() => haveMapType(4096)).toThrow(/no feature probe for map type 4096/);
    expect(() => haveMapType(Number.NaN)).toThrow(ArgumentError);
  });
});

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import { loadPinnedMap, MapType, newMap, PinType } from "../../src/map/index.js";
import { SyscallError } from "../../src/syscall/error.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { loadTrivialProgram, mountTempBpffs, u64 } from "./map-fixtures.js";
import { closeRaw } from "../../src/syscall/fd.js";
import { objPin } from "../../src/syscall/obj.js";

expectNoFdLeaks();

let fs: { dir: string; cleanup: () => void };
beforeAll(() => {
  fs = mountTempBpffs();
});
afterAll(() => {
  fs.cleanup();
});

describe("pinning", () => {
  it("pin -> loadPinnedMap round trip, then unpin", () => {
    const path = join(fs.dir, "counts");
    {
      using m = newMap({ name: "counts", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 8 });
      m.update(1, 42n);
      m.pin(path);
      expect(m.pinnedPath).toBe(path);
    }
    expect(existsSync(path)).toBe(true);
    using again = loadPinnedMap(path);
    expect(again).toMatchObject({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 8, name: "counts" });
    expect(u64(again.lookup(1)!)).toBe(42n);
    expect(again.pinnedPath).toBe(path);
    again.unpin();
    expect(existsSync(path)).toBe(false);
    expect(again.pinnedPath).toBeUndefined();
    again.unpin();
  });

  it("loadPinnedMap of a missing path is a SyscallError ENOENT naming the path", () => {
    const path = join(fs.dir, "nothing-here");
    let err: unknown;
    try {
      loadPinnedMap(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SyscallError);
    expect((err as SyscallError).code).toBe("ENOENT");
    expect((err as Error).message).toContain(path);
  });

  it("loadPinnedMap of a pinned program is an ArgumentError", () => {
    const path = join(fs.dir, "prog");
    const prog = loadTrivialProgram();
    try {
      objPin(prog, path);
      expect(() => loadPinnedMap(path)).toThrow(ArgumentError);
    } finally {
      closeRaw(prog);
    }
  });

  it("pinning to a path outside a bpffs fails with a typed error", () => {
    using m = newMap({ type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: 1 });
    expect(() => m.pin("/tmp/not-a-bpffs/x")).toThrow(SyscallError);
    expect(m.pinnedPath).toBeUndefined();
  });

  it("PinType.ByName creates and pins, then reuses the pinned map", () => {
    const spec = { name: "by_name", type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 2, pinning: PinType.ByName } as const;
    {
      using first = newMap(spec, { pinPath: fs.dir });
      first.update(1, 7n);
      expect(first.pinnedPath).toBe(join(fs.dir, "by_name"));
    }
    using second = newMap(spec, { pinPath: fs.dir });
    expect(u64(second.lookup(1)!)).toBe(7n);
    expect(() => newMap({ ...spec, valueSize: 4 }, { pinPath: fs.dir })).toThrow(/incompatible/);
    expect(() => newMap(spec)).toThrow(/needs options.pinPath/);
    second.unpin();
  });
});

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import { ArgumentError } from "../../src/errors.js";
import { loadPinnedProgram, newProgram, ProgramType } from "../../src/prog/index.js";
import { closeRaw, mapCreate, objPin, SyscallError } from "../../src/syscall/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

expectNoFdLeaks();

let bpffs: string;
let unmount: () => void;
beforeAll(() => {
  ({ dir: bpffs, cleanup: unmount } = mountTempBpffs());
});
afterAll(() => unmount());

const spec = {
  type: ProgramType.XDP,
  name: "pinned_xdp",
  license: "GPL",
  instructions: [asm.Mov.Imm(asm.R0, 3), asm.Return()],
};

describe("pin and loadPinnedProgram", () => {
  it("round-trips a program through a bpffs pin", () => {
    const path = join(bpffs, "prog");
    const id = (() => {
      using prog = newProgram(spec);
      prog.pin(path);
      expect(prog.pinnedPath).toBe(path);
      return prog.info().id;
    })();
    // The pin keeps the program loaded after its last fd closed.
    expect(existsSync(path)).toBe(true);
    using again = loadPinnedProgram(path);
    expect(again.type).toBe(ProgramType.XDP);
    expect(again.name).toBe("pinned_xdp");
    expect(again.pinnedPath).toBe(path);
    expect(again.info().id).toBe(id);
    expect(again.run({ data: new Uint8Array(64) }).retval).toBe(3);
    again.unpin();
    expect(existsSync(path)).toBe(false);
    expect(again.pinnedPath).toBeUndefined();
  });

  it("refuses to pin over an existing file", () => {
    const path = join(bpffs, "twice");
    using prog = newProgram(spec);
    prog.pin(path);
    using other = newProgram(spec);
    expect(() => other.pin(path)).toThrow(SyscallError);
    prog.unpin();
  });

  it("fails for a missing pin with ENOENT", () => {
    let err: unknown;
    try {
      loadPinnedProgram(join(bpffs, "missing")).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SyscallError);
    expect((err as SyscallError).code).toBe("ENOENT");
  });

  it("refuses a pinned map", () => {
    const path = join(bpffs, "map");
    const mapFd = mapCreate({ mapType: 2, keySize: 4, valueSize: 4, maxEntries: 1 });
    try {
      objPin(mapFd, path);
    } finally {
      closeRaw(mapFd);
    }
    expect(() => loadPinnedProgram(path)).toThrow(ArgumentError);
    expect(() => loadPinnedProgram(path)).toThrow(/is not a program/);
    rmSync(path);
  });

  it("rejects an empty path", () => {
    expect(() => loadPinnedProgram("")).toThrow(ArgumentError);
    using prog = newProgram(spec);
    expect(() => prog.pin("")).toThrow(ArgumentError);
  });
});

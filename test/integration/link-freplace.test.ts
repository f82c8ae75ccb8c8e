// freplace: bpf/link_freplace.o's XDP program returns what its global function `answer` returns
// (1, XDP_DROP); the extension new_answer returns 2 (XDP_PASS) in its place while attached. Test
// runs of the target show which function ran. This host refuses extension programs with EPERM
// (policy); the qemu VMs run them.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import { loadAndAssign, loadCollectionSpecFromBuffer, newProgram, type Collection, type CollectionSpec } from "../../src/index.js";
import { attachFreplace, LinkType } from "../../src/link/index.js";
import type { Program } from "../../src/prog/index.js";
import { SyscallError } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { why } from "../helpers/kernel.js";

expectNoFdLeaks();

const object = new URL("../../bpf/link_freplace.o", import.meta.url).pathname;
const spec: CollectionSpec = loadCollectionSpecFromBuffer(readFileSync(object));
const XDP_DROP = 1;
const XDP_PASS = 2;
const packet = new Uint8Array(64);

function loadExtension(target: Program): Program {
  return newProgram({ ...spec.programs.new_answer!, attachTarget: target, attachTo: "answer" });
}

/** Why extension programs cannot run here: only EPERM from loading a valid one counts. */
function extensionsRefused(): string | undefined {
  using target = loadAndAssign(spec, { programs: ["freplace_target"] });
  try {
    loadExtension(target.programs.freplace_target!).close();
    return undefined;
  } catch (err) {
    if (err instanceof SyscallError && err.code === "EPERM") return "freplace: BPF_PROG_LOAD of an extension refused with EPERM by this host's policy";
    throw err;
  }
}
const refused = extensionsRefused();

describe.skipIf(refused !== undefined)(`freplace${why(refused)}`, () => {
  let target: Collection;
  beforeAll(() => {
    target = loadAndAssign(spec, { programs: ["freplace_target"] });
  });
  afterAll(() => target?.close());

  const run = (): number => target.programs.freplace_target!.run({ data: packet }).retval;

  it("replaces the global function while attached, and not after close", () => {
    using ext = loadExtension(target.programs.freplace_target!);
    expect(run()).toBe(XDP_DROP);
    const link = attachFreplace({ program: ext });
    expect(run()).toBe(XDP_PASS);
    expect(link.info().type).toBe(LinkType.Tracing);
    link.close();
    expect(run()).toBe(XDP_DROP);
  });

  it("attaches to a target named at attach time", () => {
    // A second instance of the target program: the extension loaded against the first replaces
    // `answer` in the second, which has the same signature.
    using other = loadAndAssign(spec, { programs: ["freplace_target"] });
    using ext = loadExtension(target.programs.freplace_target!);
    const otherRun = (): number => other.programs.freplace_target!.run({ data: packet }).retval;
    const link = attachFreplace({ program: ext, target: other.programs.freplace_target!, name: "answer" });
    expect(otherRun()).toBe(XDP_PASS);
    expect(run()).toBe(XDP_DROP);
    link.close();
    expect(otherRun()).toBe(XDP_DROP);
  });

  it("rejects a missing function, a target without name, and programs of other types", () => {
    using ext = loadExtension(target.programs.freplace_target!);
    expect(() => attachFreplace({ program: ext, target: target.programs.freplace_target!, name: "no_such_func" })).toThrow(/no_such_func/);
    expect(() => attachFreplace({ program: ext, target: target.programs.freplace_target! })).toThrow(ArgumentError);
    expect(() => attachFreplace({ program: target.programs.freplace_target! })).toThrow(/expected Extension/);
    expect(() => newProgram({ ...spec.programs.new_answer!, attachTarget: target.programs.freplace_target!, attachTo: "nope" })).toThrow(/nope/);
  });
});

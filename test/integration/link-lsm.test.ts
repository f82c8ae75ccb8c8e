// LSM and fmod_ret: bpf/link_lsm.o refuses BPF_MAP_CREATE of an array with exactly 7331 entries,
// through the bpf LSM's `bpf` hook (EPERM) or by replacing security_bpf()'s result (fmod_ret,
// ENOMSG). Any other map is left alone, so the rest of the machine is not disturbed. This host
// refuses trampoline programs with EPERM (policy); the qemu VMs run them, booted with `bpf` among
// the active LSMs.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AttachType, loadAndAssign, loadCollectionSpecFromBuffer, MapType, newMap, type Collection } from "../../src/index.js";
import { attachTracing, LinkType } from "../../src/link/index.js";
import { SyscallError } from "../../src/syscall/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { bpfLSMMissing, why } from "../helpers/kernel.js";

expectNoFdLeaks();

const object = new URL("../../bpf/link_lsm.o", import.meta.url).pathname;
const spec = loadCollectionSpecFromBuffer(readFileSync(object));
const DENIED = 7331;

const EPERM = 1;
const ENOMSG = 42;

/** Create (and close) the array the programs refuse; returns the errno, or 0. */
function createDenied(): number {
  try {
    newMap({ type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: DENIED }).close();
    return 0;
  } catch (err) {
    if (err instanceof SyscallError) return err.errno;
    throw err;
  }
}

/** Why program `name` cannot load here: only EPERM from loading a valid program counts. */
function refused(name: string): string | undefined {
  try {
    loadAndAssign(spec, { programs: [name] }).close();
    return undefined;
  } catch (err) {
    if (err instanceof SyscallError && err.code === "EPERM") return `${name}: BPF_PROG_LOAD refused with EPERM by this host's policy`;
    throw err;
  }
}

const noFmodRet = refused("fmod_deny_map");
const noLSM = bpfLSMMissing() ?? refused("lsm_deny_map");

describe.skipIf(noLSM !== undefined)(`lsm/bpf${why(noLSM)}`, () => {
  let coll: Collection;
  beforeAll(() => {
    coll = loadAndAssign(spec, { programs: ["lsm_deny_map"] });
  });
  afterAll(() => coll?.close());

  it("denies the map while attached, and not after close", () => {
    expect(createDenied()).toBe(0);
    const link = attachTracing({ program: coll.programs.lsm_deny_map!, attachType: AttachType.AttachLSMMac });
    expect(createDenied()).toBe(EPERM);
    // Another size is not the program's business.
    newMap({ type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: DENIED + 1 }).close();
    expect(link.info().type).toBe(LinkType.Tracing);
    link.close();
    expect(createDenied()).toBe(0);
  });

  it("attaches without an attach type (LSM implies it)", () => {
    using fresh = loadAndAssign(spec, { programs: ["lsm_deny_map"] });
    const link = attachTracing({ program: fresh.programs.lsm_deny_map! });
    expect(createDenied()).toBe(EPERM);
    link.close();
    expect(createDenied()).toBe(0);
  });
});

describe.skipIf(noFmodRet !== undefined)(`fmod_ret/security_bpf${why(noFmodRet)}`, () => {
  it("replaces security_bpf's result while attached, and not after close", () => {
    using coll = loadAndAssign(spec, { programs: ["fmod_deny_map"] });
    expect(createDenied()).toBe(0);
    const link = attachTracing({ program: coll.programs.fmod_deny_map!, attachType: AttachType.AttachModifyReturn });
    expect(createDenied()).toBe(ENOMSG);
    expect(link.info().type).toBe(LinkType.Tracing);
    link.close();
    expect(createDenied()).toBe(0);
  });
});

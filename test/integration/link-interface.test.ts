// interfaceIndex: names and indexes of this network namespace's interfaces, through libc's
// if_nametoindex / if_indextoname.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import { interfaceIndex, InterfaceNotFoundError } from "../../src/link/index.js";
import { ifIndexToName } from "../../src/syscall/index.js";

const loIndex = Number(readFileSync("/sys/class/net/lo/ifindex", "utf8"));

it("finds lo by name and by index", () => {
  expect(interfaceIndex("lo")).toBe(loIndex);
  expect(interfaceIndex(loIndex)).toBe(loIndex);
  expect(ifIndexToName(loIndex)).toBe("lo");
});

it("throws InterfaceNotFoundError for a name or index with no interface", () => {
  expect(() => interfaceIndex("nosuchif0")).toThrow(InterfaceNotFoundError);
  expect(() => interfaceIndex(0x7ffffff0)).toThrow(InterfaceNotFoundError);
  expect(ifIndexToName(0x7ffffff0)).toBeUndefined();
});

it("refuses names the kernel could never have and indexes outside 1..2^31-1", () => {
  expect(() => interfaceIndex("a/b")).toThrow(ArgumentError);
  expect(() => interfaceIndex("x".repeat(16))).toThrow(ArgumentError);
  expect(() => interfaceIndex(0)).toThrow(ArgumentError);
  expect(() => interfaceIndex(1.5)).toThrow(ArgumentError);
});

/**
 * Network interfaces by name or index, in the caller's network namespace.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { ifIndexToName, ifNameToIndex } from "../syscall/index.js";
import { InterfaceNotFoundError } from "./errors.js";

/**
 * The ifindex of interface `iface` (a name, or an index that is checked to exist) in the
 * caller's network namespace. Throws `InterfaceNotFoundError` when there is none.
 *
 * @example
 * ```ts
 * import { interfaceIndex } from "ebpf/link";
 * interfaceIndex("lo"); // 1
 * ```
 */
export function interfaceIndex(iface: string | number): number {
  if (typeof iface === "number") {
    if (!Number.isInteger(iface) || iface <= 0 || iface > 0x7fffffff) {
      throw new ArgumentError(`interface index must be a positive integer, got ${iface}`);
    }
    if (ifIndexToName(iface) === undefined) throw new InterfaceNotFoundError(iface);
    return iface;
  }
  if (typeof iface !== "string" || iface === "" || iface.length > 15 || /[/\s\0]/.test(iface) || iface === "." || iface === "..") {
    throw new ArgumentError(`interface name ${JSON.stringify(iface)} is not valid (1 to 15 characters, no '/' or spaces)`);
  }
  const index = ifNameToIndex(iface);
  if (index === undefined) throw new InterfaceNotFoundError(iface);
  return index;
}

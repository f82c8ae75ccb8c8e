/**
 * Typed errors of map element operations.
 *
 * @module
 */
import { EbpfError } from "../errors.js";
import { Errno, SyscallError } from "../syscall/error.js";
import { bpfCmdName } from "../syscall/commands.js";
import { bpfError } from "../syscall/bpf.js";

/**
 * The key is not in the map: `delete` of a missing key, `update(…, UpdateExist)` of a missing
 * key. `mapName` names the map; `errno` is ENOENT.
 *
 * @example
 * ```ts
 * import { KeyNotExistError } from "ebpf";
 * try {
 *   map.delete(42);
 * } catch (err) {
 *   if (err instanceof KeyNotExistError) console.log(`no key 42 in ${err.mapName}`);
 * }
 * ```
 */
export class KeyNotExistError extends SyscallError {
  override name = "KeyNotExistError";
  constructor(
    command: string,
    /** Name of the map (its `name`, or `"map <fd>"` when unnamed). */
    readonly mapName: string,
    errno: number = Errno.ENOENT,
  ) {
    super(command, errno, `key does not exist in ${mapName}`);
  }
}

/**
 * The key is already in the map: `update(…, UpdateNoExist)` of a present key. `errno` is EEXIST.
 *
 * @example
 * ```ts
 * import { KeyExistError, UpdateNoExist } from "ebpf";
 * try {
 *   map.update(1, 2n, UpdateNoExist);
 * } catch (err) {
 *   if (err instanceof KeyExistError) console.log("already there");
 * }
 * ```
 */
export class KeyExistError extends SyscallError {
  override name = "KeyExistError";
  constructor(
    command: string,
    /** Name of the map (its `name`, or `"map <fd>"` when unnamed). */
    readonly mapName: string,
    errno: number = Errno.EEXIST,
  ) {
    super(command, errno, `key already exists in ${mapName}`);
  }
}

/**
 * The error for a failed element command on map `mapName`: ENOENT and EEXIST become
 * {@link KeyNotExistError} / {@link KeyExistError}, the rest a `SyscallError` naming the map.
 *
 * @example
 * ```ts
 * throw mapElemError(BpfCmd.MAP_DELETE_ELEM, 2, "counts"); // KeyNotExistError
 * ```
 */
export function mapElemError(cmd: number, errno: number, mapName: string): SyscallError {
  if (errno === Errno.ENOENT) return new KeyNotExistError(bpfCmdName(cmd), mapName, errno);
  if (errno === Errno.EEXIST) return new KeyExistError(bpfCmdName(cmd), mapName, errno);
  if (errno === Errno.EPERM) return bpfError(cmd, errno);
  return new SyscallError(bpfCmdName(cmd), errno, mapName);
}

/**
 * Iteration gave up because keys changed so fast that more than `maxEntries` keys came out (hash
 * maps restart from their first key when the current one is deleted).
 *
 * @example
 * ```ts
 * import { IterationAbortedError } from "ebpf";
 * try { for (const k of map.keys()) use(k); } catch (err) {
 *   if (err instanceof IterationAbortedError) retryLater();
 * }
 * ```
 */
export class IterationAbortedError extends EbpfError {
  override name = "IterationAbortedError";
  constructor(mapName: string, maxEntries: number) {
    super(`${mapName}: iteration aborted after more than ${maxEntries} keys: keys changed too often`);
  }
}

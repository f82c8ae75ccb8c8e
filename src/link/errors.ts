/**
 * Errors of attach calls naming the missing target.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";

/**
 * A tracepoint, kprobe symbol, kernel function or raw tracepoint the running kernel does not
 * have. `target` names it and `kind` says what it was looked up as.
 *
 * @example
 * ```ts
 * import { kprobe, TraceEventNotFoundError } from "ebpf/link";
 * try {
 *   kprobe("no_such_function", prog);
 * } catch (err) {
 *   if (err instanceof TraceEventNotFoundError) console.log(err.target); // "no_such_function"
 * }
 * ```
 */
export class TraceEventNotFoundError extends ArgumentError {
  override name = "TraceEventNotFoundError";
  constructor(
    readonly target: string,
    readonly kind: string,
    options?: ErrorOptions,
  ) {
    super(`${kind} ${target} not found in the running kernel`, options);
  }
}

/**
 * A network interface that does not exist (by name or index).
 *
 * @example
 * ```ts
 * import { attachXDP, InterfaceNotFoundError } from "ebpf/link";
 * try { attachXDP({ program, interface: "nope0" }); } catch (err) { err instanceof InterfaceNotFoundError; }
 * ```
 */
export class InterfaceNotFoundError extends ArgumentError {
  override name = "InterfaceNotFoundError";
  constructor(readonly iface: string | number, options?: ErrorOptions) {
    super(`network interface ${typeof iface === "number" ? `index ${iface}` : JSON.stringify(iface)} not found`, options);
  }
}

/**
 * The hook already has a program and the kernel allows only one there (EBUSY / EEXIST), e.g. a
 * second XDP link on one interface.
 *
 * @example
 * ```ts
 * import { attachXDP, AlreadyAttachedError } from "ebpf/link";
 * try { attachXDP({ program, interface: "eth0" }); } catch (err) { err instanceof AlreadyAttachedError; }
 * ```
 */
export class AlreadyAttachedError extends ArgumentError {
  override name = "AlreadyAttachedError";
  constructor(readonly what: string, options?: ErrorOptions) {
    super(`${what}: a program is already attached there`, options);
  }
}

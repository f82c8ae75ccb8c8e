/**
 * The error for a lookup that finds nothing, so CO-RE and callers can tell "absent" from
 * "malformed".
 *
 * @module
 */

import { BTFError } from "../errors.js";

/**
 * No type with the requested id or name exists in a spec. It is a {@link BTFError}.
 *
 * @example
 * ```ts
 * import { loadKernelSpec, TypeNotFoundError } from "ebpf/btf";
 * try {
 *   loadKernelSpec().typeByName("no_such_type");
 * } catch (err) {
 *   if (err instanceof TypeNotFoundError) console.log("absent");
 * }
 * ```
 */
export class TypeNotFoundError extends BTFError {
  override name = "TypeNotFoundError";
}

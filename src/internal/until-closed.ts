/**
 * The async iteration both event readers offer: records until the reader is closed.
 *
 * @module
 */
import { ClosedError } from "../errors.js";

/**
 * Yield `read()`'s results until it rejects because the reader was closed (then end quietly);
 * any other rejection propagates. Breaking out of the loop leaves the reader open.
 *
 * @example
 * ```ts
 * const records = untilClosed(() => reader.read(), () => reader.closed);
 * for await (const rec of records) console.log(rec.sample.byteLength);
 * ```
 */
export async function* untilClosed<R>(read: () => Promise<R>, closed: () => boolean): AsyncGenerator<R, void, undefined> {
  for (;;) {
    let rec: R;
    try {
      rec = await read();
    } catch (err) {
      if (err instanceof ClosedError && closed()) return;
      throw err;
    }
    yield rec;
  }
}

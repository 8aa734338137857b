/**
 * The one way ganbench turns anything thrown into message text.
 *
 * @module
 */

/**
 * The first line of an error's message (or of `String(e)` for a non-Error).
 *
 * @param e Anything thrown.
 * @returns One line of text.
 * @example
 * ```ts
 * import { errorText } from "./errors.ts";
 * import assert from "node:assert/strict";
 * assert.equal(errorText(new Error("bad\nstack")), "bad");
 * assert.equal(errorText("plain"), "plain");
 * ```
 */
export function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0];
}

/**
 * An error caused by the input — a file, a spec, a results directory, a
 * flag's value — rather than by ganbench itself: the command line reports it
 * in one line and exits 2, the library's callers may tell it from a fault.
 *
 * @example
 * ```ts
 * import { InputError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const e = new InputError("results/x/metrics.csv:3: cut off mid-line");
 * assert.ok(e instanceof Error);
 * assert.equal(e.name, "InputError");
 * ```
 */
export class InputError extends Error {
  /**
   * @param message One line: what is wrong, and where.
   */
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

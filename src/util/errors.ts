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

/**
 * Reading JSON files with one-line errors that name the file.
 *
 * @module
 */
import { errorText, InputError } from "./errors.ts";

/** What {@linkcode readJsonFile} does when the file does not exist. */
export interface ReadJsonOptions {
  /**
   * Words for the file in the "not found" error, e.g. `"spec file"` gives
   * `<path>: spec file not found`. Default `"file"`.
   */
  what?: string;
}

/**
 * Reads and parses a JSON file.
 *
 * @param path The file.
 * @param options How to name the file in errors.
 * @returns The parsed value (not validated: the caller checks its shape).
 * @throws InputError `<path>: <what> not found`, `<path>: cannot read (…)` or
 *   `<path>: invalid JSON (…)`.
 * @example
 * ```ts
 * import { readJsonFile } from "./json.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, '{"a": 1}');
 * assert.deepEqual(await readJsonFile(path), { a: 1 });
 * await Deno.writeTextFile(path, "{");
 * await assert.rejects(() => readJsonFile(path), /invalid JSON/);
 * await Deno.remove(path);
 * ```
 */
export async function readJsonFile(
  path: string,
  options: ReadJsonOptions = {},
): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new InputError(`${path}: ${options.what ?? "file"} not found`);
    }
    throw new InputError(`${path}: cannot read (${errorText(e)})`);
  }
  return parseJsonText(text, path);
}

/**
 * Parses JSON text read from `source`.
 *
 * @param text The JSON text.
 * @param source Where it came from, for the error.
 * @returns The parsed value.
 * @throws InputError `<source>: invalid JSON (…)`.
 * @example
 * ```ts
 * import { parseJsonText } from "./json.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJsonText("[1, 2]", "x.json"), [1, 2]);
 * assert.throws(() => parseJsonText("nope", "x.json"), /x\.json: invalid JSON/);
 * ```
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: invalid JSON (${errorText(e)})`);
  }
}

/**
 * The part of `csv-stringify/sync` ganbench uses. Its own declarations pull
 * in `/// <reference types="node" />`, which resolves to the old
 * `@types/node@10` that TF.js brings along and hides Deno's `node:` types.
 *
 * @module
 */

/** Options of {@linkcode stringify} that ganbench uses. */
export interface Options {
  /** `unix` (`\n`), `windows` (`\r\n`), … */
  record_delimiter?: "unix" | "windows" | "mac" | "ascii" | "unicode" | string;
  /** Field delimiter, default `,`. */
  delimiter?: string;
  /** Quote character, default `"`. */
  quote?: string;
  /** Quote every field. */
  quoted?: boolean;
}

/**
 * Serialises records to CSV text.
 *
 * @param input The records (arrays of field values).
 * @param options See {@linkcode Options}.
 * @returns The CSV text.
 */
export function stringify(
  input: readonly (readonly unknown[])[],
  options?: Options,
): string;

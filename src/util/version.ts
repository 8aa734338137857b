/**
 * The ganbench version, written into every run's manifest. It is read from
 * `deno.json` so that there is one place to change it.
 *
 * @module
 */
import config from "../../deno.json" with { type: "json" };

/**
 * The ganbench version (`deno.json`'s `version`).
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION: string = config.version;

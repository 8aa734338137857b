/**
 * The ganbench version, written into every run's manifest.
 *
 * @module
 */

/** The ganbench version (kept equal to `deno.json`'s `version`). */
export const VERSION = "0.1.0";

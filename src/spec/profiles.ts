/**
 * Built-in profiles: the matrix specs in `benchmarks/profiles/<name>.json`.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MatrixSpec } from "./types.ts";
import { loadSpecFile } from "./spec.ts";

/** The directory of the built-in profiles. */
export const PROFILE_DIR: string = fileURLToPath(
  new URL("../../benchmarks/profiles/", import.meta.url),
);

/**
 * The names of the built-in profiles, sorted.
 *
 * @returns E.g. `["cifar10", "fashion", "mnist", "quick", "smoke"]`.
 * @example
 * ```ts
 * import { listProfiles } from "./profiles.ts";
 * import assert from "node:assert/strict";
 * assert.ok((await listProfiles()).includes("smoke"));
 * ```
 */
export async function listProfiles(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(PROFILE_DIR)) {
    if (entry.isFile && entry.name.endsWith(".json")) {
      names.push(entry.name.slice(0, -".json".length));
    }
  }
  return names.sort();
}

/**
 * Loads and validates a built-in profile.
 *
 * @param name The profile name, e.g. `quick`.
 * @returns The spec.
 * @throws Error One line naming the profile and the accepted names when it
 *   does not exist, or the file and key when it is invalid.
 * @example
 * ```ts
 * import { loadProfile } from "./profiles.ts";
 * import assert from "node:assert/strict";
 * const spec = await loadProfile("quick");
 * assert.deepEqual(spec.datasets, ["mnist"]);
 * await assert.rejects(() => loadProfile("nope"), /unknown profile "nope"/);
 * ```
 */
export async function loadProfile(name: string): Promise<MatrixSpec> {
  const names = await listProfiles();
  if (!names.includes(name)) {
    throw new Error(
      `unknown profile ${JSON.stringify(name)} (accepted: ${
        names.join(", ")
      }; or a path to a .json spec file)`,
    );
  }
  const spec = await loadSpecFile(join(PROFILE_DIR, `${name}.json`));
  if (spec.name !== name) {
    throw new Error(
      `${join(PROFILE_DIR, `${name}.json`)}: name: expected ${
        JSON.stringify(name)
      } (the file name), got ${JSON.stringify(spec.name)}`,
    );
  }
  return spec;
}

/**
 * A profile name or a spec file path: a value ending in `.json` or holding a
 * path separator is read as a file, anything else as a profile name.
 *
 * @param nameOrPath E.g. `quick` or `./my_spec.json`.
 * @returns The spec.
 * @example
 * ```ts
 * import { resolveSpec } from "./profiles.ts";
 * import assert from "node:assert/strict";
 * assert.equal((await resolveSpec("smoke")).name, "smoke");
 * await assert.rejects(() => resolveSpec("./none.json"), /spec file not found/);
 * ```
 */
export function resolveSpec(nameOrPath: string): Promise<MatrixSpec> {
  if (nameOrPath.endsWith(".json") || /[\\/]/.test(nameOrPath)) {
    return loadSpecFile(nameOrPath);
  }
  return loadProfile(nameOrPath);
}

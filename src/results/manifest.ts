/**
 * `manifest.json` of a run directory: the spec and its hash, and the state
 * of every cell. The trainer / CLI add further top-level fields (versions,
 * backend, device, git commit, checksums); this module keeps them as they
 * are.
 *
 * @module
 */
import { join } from "node:path";
import type { MatrixSpec } from "../spec/types.ts";
import { parseSpec } from "../spec/spec.ts";
import { legacySpecHash, specHash } from "../spec/hash.ts";
import { errorText, InputError } from "../util/errors.ts";
import { parseJsonText } from "../util/json.ts";

/** The state of a cell: `running` until it finishes or diverges. */
export type CellStatus = "finished" | "diverged" | "running";

/** What the manifest records per cell (more fields may be added). */
export interface CellRecord {
  /** The cell's state. */
  status: CellStatus;
  /** Last completed G step, when known. */
  step?: number;
  /** Further per-cell facts (model config, wall time, divergence, …). */
  [key: string]: unknown;
}

/** The manifest of a run directory. */
export interface Manifest {
  /** {@linkcode specHash} of `spec`. */
  specHash: string;
  /** The spec the run was made with (after command-line overrides). */
  spec: MatrixSpec;
  /** Cell records by cell id. */
  cells: Record<string, CellRecord>;
  /** The shard this directory holds, when the run was sharded. */
  shard?: { index: number; count: number };
  /** Further run-level facts (versions, backend, device, git commit, …). */
  [key: string]: unknown;
}

const STATUSES: readonly string[] = ["finished", "diverged", "running"];

/** The manifest file name inside a run directory. */
export const MANIFEST_FILE = "manifest.json";

/**
 * A new manifest for a spec, with no cells yet.
 *
 * @param spec The (overridden) spec of the run.
 * @returns `{ specHash, spec, cells: {} }`.
 * @example
 * ```ts
 * import { newManifest } from "./manifest.ts";
 * import { loadProfile } from "../spec/profiles.ts";
 * import { specHash } from "../spec/hash.ts";
 * import assert from "node:assert/strict";
 * const spec = await loadProfile("smoke");
 * const m = newManifest(spec);
 * assert.deepEqual(m.cells, {});
 * assert.equal(m.specHash, specHash(spec));
 * ```
 */
export function newManifest(spec: MatrixSpec): Manifest {
  return { specHash: specHash(spec), spec, cells: {} };
}

/**
 * Reads and checks `<dir>/manifest.json`: valid JSON, a valid spec whose
 * hash equals `specHash`, and a valid status for every cell.
 *
 * @param dir The run directory.
 * @returns The manifest, or `undefined` when the file does not exist.
 * @throws Error One line naming the file when it is not a valid manifest.
 * @example
 * ```ts
 * import { MANIFEST_FILE, readManifest } from "./manifest.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await readManifest(dir), undefined); // no run there yet
 * await Deno.writeTextFile(`${dir}/${MANIFEST_FILE}`, "{");
 * await assert.rejects(() => readManifest(dir), /manifest\.json: invalid JSON/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  // Not readJsonFile: a missing manifest is an answer (no run yet), not an error.
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new InputError(`${path}: cannot read (${errorText(e)})`);
  }
  const json = parseJsonText(text, path);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(`${path}: expected a JSON object`);
  }
  const m = json as Record<string, unknown>;
  if (typeof m.specHash !== "string") {
    throw new InputError(`${path}: specHash: expected a string`);
  }
  const spec = parseSpec(m.spec, `${path} (spec)`);
  const actual = specHash(spec);
  // A run from before the `budget` setting hashed its spec without it.
  if (actual !== m.specHash && legacySpecHash(spec) !== m.specHash) {
    throw new InputError(
      `${path}: specHash ${m.specHash} does not match its spec (${actual}); the file was edited`,
    );
  }
  const cells = m.cells;
  if (typeof cells !== "object" || cells === null || Array.isArray(cells)) {
    throw new InputError(`${path}: cells: expected an object`);
  }
  for (const [id, record] of Object.entries(cells as Record<string, unknown>)) {
    const status = (record as { status?: unknown } | null)?.status;
    if (typeof status !== "string" || !STATUSES.includes(status)) {
      throw new InputError(
        `${path}: cells.${id}.status: expected one of ${
          STATUSES.join(", ")
        }, got ${JSON.stringify(status)}`,
      );
    }
  }
  return { ...m, spec } as Manifest;
}

/**
 * Writes `<dir>/manifest.json` atomically (temporary file, then rename),
 * pretty-printed with a trailing newline.
 *
 * @param dir The run directory (created when missing).
 * @param manifest The manifest.
 * @example
 * ```ts
 * import { newManifest, readManifest, writeManifest } from "./manifest.ts";
 * import { loadProfile } from "../spec/profiles.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * const manifest = newManifest(await loadProfile("smoke"));
 * manifest.cells["mnist-mlp-ns-s0"] = { status: "running", step: 10 };
 * await writeManifest(dir, manifest);
 * assert.deepEqual(await readManifest(dir), manifest);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeManifest(
  dir: string,
  manifest: Manifest,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, MANIFEST_FILE);
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeTextFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await Deno.rename(tmp, path);
}

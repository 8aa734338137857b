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
import { specHash } from "../spec/hash.ts";

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
 * const m = newManifest(await loadProfile("smoke"));
 * Object.keys(m.cells).length; // 0
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
 * import { readManifest } from "./manifest.ts";
 * const m = await readManifest("/tmp/ganbench-no-such-run"); // undefined: no run there yet
 * ```
 */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(
      `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${path}: invalid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${path}: expected a JSON object`);
  }
  const m = json as Record<string, unknown>;
  if (typeof m.specHash !== "string") {
    throw new Error(`${path}: specHash: expected a string`);
  }
  const spec = parseSpec(m.spec, `${path} (spec)`);
  const actual = specHash(spec);
  if (actual !== m.specHash) {
    throw new Error(
      `${path}: specHash ${m.specHash} does not match its spec (${actual}); the file was edited`,
    );
  }
  const cells = m.cells;
  if (typeof cells !== "object" || cells === null || Array.isArray(cells)) {
    throw new Error(`${path}: cells: expected an object`);
  }
  for (const [id, record] of Object.entries(cells as Record<string, unknown>)) {
    const status = (record as { status?: unknown } | null)?.status;
    if (typeof status !== "string" || !STATUSES.includes(status)) {
      throw new Error(
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
 * import { newManifest, writeManifest } from "./manifest.ts";
 * import { loadProfile } from "../spec/profiles.ts";
 * await writeManifest("/tmp/run", newManifest(await loadProfile("smoke")));
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

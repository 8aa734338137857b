/**
 * The manifest of a run being written: a new one (with the versions and git
 * commit it was made with) or the existing one of a run to resume, which
 * must have been made from the same spec and whose files must hold what it
 * says was written. A directory with results but no manifest is never
 * adopted.
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import * as tf from "@tensorflow/tfjs-core";
import type { MatrixSpec } from "../spec/types.ts";
import { specHash } from "../spec/hash.ts";
import type { Manifest } from "../results/manifest.ts";
import {
  newManifest,
  readManifest,
  writeManifest,
} from "../results/manifest.ts";
import { checkRunFiles, resultsWithoutManifest } from "../results/integrity.ts";
import { VERSION } from "../util/version.ts";

/**
 * Checks a results directory before a run writes to it, without writing:
 * its manifest (if any) must be valid and of `spec`, and its files must
 * agree with it; results files without a manifest are refused.
 *
 * @param outDir The results directory (may be missing).
 * @param spec The run's spec (after overrides).
 * @returns The existing manifest, or `undefined` for a new directory.
 * @throws Error One line when the manifest is invalid or of another spec,
 *   when `metrics.csv` / `summary.csv` lost rows, or when there are results
 *   but no manifest.
 * @example
 * ```ts
 * import type { MatrixSpec } from "../spec/types.ts";
 * import { checkRunDirectory } from "./run_manifest.ts";
 * declare const spec: MatrixSpec;
 * const existing = await checkRunDirectory("results/quick", spec);
 * console.log(existing ? "resuming" : "new run");
 * ```
 */
export async function checkRunDirectory(
  outDir: string,
  spec: MatrixSpec,
): Promise<Manifest | undefined> {
  const existing = await readManifest(outDir);
  if (!existing) {
    const found = resultsWithoutManifest(outDir);
    if (found.length > 0) {
      throw new InputError(
        `${outDir} holds results (${
          found.join(", ")
        }) but no manifest.json, so the spec they were made with is unknown: write to another directory, or remove ${outDir}`,
      );
    }
    return undefined;
  }
  const hash = specHash(spec);
  if (existing.specHash !== hash) {
    throw new InputError(
      `${outDir} holds a run of a different spec (${existing.spec.name}, hash ${
        existing.specHash.slice(0, 12)
      } ≠ ${
        hash.slice(0, 12)
      }): write to another directory, or delete ${outDir} to start fresh`,
    );
  }
  checkRunFiles(outDir, existing);
  return existing;
}

/**
 * The manifest of `outDir`: the existing one when it holds a run of the
 * same spec, else a new one, written at once.
 *
 * @param outDir The results directory.
 * @param spec The run's spec (after overrides).
 * @param shard Which shard this run is, when sharded.
 * @returns The manifest.
 * @throws Error as {@linkcode checkRunDirectory} does.
 * @example
 * ```ts
 * import type { MatrixSpec } from "../spec/types.ts";
 * import { openRunManifest } from "./run_manifest.ts";
 * declare const spec: MatrixSpec;
 * const manifest = await openRunManifest("results/quick", spec, undefined);
 * console.log(Object.keys(manifest.cells));
 * ```
 */
export async function openRunManifest(
  outDir: string,
  spec: MatrixSpec,
  shard: { index: number; count: number } | undefined,
): Promise<Manifest> {
  const existing = await checkRunDirectory(outDir, spec);
  if (existing) return existing;
  const manifest = newManifest(spec);
  Object.assign(manifest, {
    ganbench: VERSION,
    created: new Date().toISOString(),
    deno: Deno.version.deno,
    tfjs: tf.version_core,
    git: await gitCommit(),
  });
  if (shard) manifest.shard = shard;
  await writeManifest(outDir, manifest);
  return manifest;
}

/** The commit checked out in the working directory, or null outside git. */
async function gitCommit(): Promise<string | null> {
  try {
    const head = (await Deno.readTextFile(".git/HEAD")).trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    try {
      return (await Deno.readTextFile(`.git/${ref}`)).trim();
    } catch {
      const packed = await Deno.readTextFile(".git/packed-refs");
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      return line ? line.split(" ")[0] : null;
    }
  } catch {
    return null;
  }
}

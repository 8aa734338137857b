/**
 * Reads a ganbench evaluator directory (`model.json`, `weights.bin`,
 * `manifest.json`) as a trainable layers model, for `train-evaluator`'s
 * `--trunk-from` and `--calibrate-from`: the source's weights are checked
 * against its manifest's md5 before anything is copied from them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { basename, dirname, join } from "node:path";
import { parseJsonText } from "../../util/json.ts";
import { MANIFEST_FILE, MODEL_FILE, readModel } from "./_io.ts";
import type { EvaluatorManifest } from "./types.ts";

/** A loaded source evaluator. */
export interface SourceEvaluator {
  /** The model (dispose it when done). */
  model: tfl.LayersModel;
  /** Its manifest. */
  manifest: EvaluatorManifest;
  /** Its directory. */
  dir: string;
}

/**
 * Loads an evaluator directory, or the directory of a `model.json` path.
 *
 * @param path The directory or its `model.json`.
 * @param flag The option naming it, for error messages (e.g. `--trunk-from`).
 * @returns The model, manifest and directory; a missing or mismatched file
 *   is a one-line error naming the flag and the file.
 * @example
 * ```ts
 * import { loadSourceEvaluator } from "./source_model.ts";
 * const src = await loadSourceEvaluator("src/metrics/evaluators/weights/mnist", "--trunk-from");
 * src.manifest.id; // "ganbench-mnist-v2"
 * src.model.dispose();
 * ```
 */
export async function loadSourceEvaluator(
  path: string,
  flag: string,
): Promise<SourceEvaluator> {
  const dir = basename(path) === MODEL_FILE ? dirname(path) : path;
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(manifestPath);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "not found (expected an evaluator directory written by train-evaluator)"
      : e instanceof Error
      ? e.message
      : String(e);
    throw new Error(`${flag} ${path}: ${manifestPath}: ${why}`);
  }
  const manifest = parseJsonText(text, manifestPath) as EvaluatorManifest;
  if (
    manifest === null || typeof manifest !== "object" ||
    typeof manifest.weightsMd5 !== "string" || typeof manifest.id !== "string"
  ) {
    throw new Error(
      `${flag} ${path}: ${manifestPath} is not an evaluator manifest (needs id and weightsMd5)`,
    );
  }
  const read = await readModel(join(dir, MODEL_FILE), manifest.weightsMd5);
  const model = await tfl.loadLayersModel(tf.io.fromMemory(read.artifacts));
  return { model, manifest, dir };
}

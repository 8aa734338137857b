/**
 * File I/O of evaluator weights: TF.js model artifacts written atomically
 * (layers format: `model.json` + one `weights.bin`) and read back with
 * `Deno.readFile` (or `fetch` for http(s) URLs), with md5 verification.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { md5Hex } from "../../data/checksum.ts";
import { errorText } from "../../util/errors.ts";
import { parseJsonText } from "../../util/json.ts";

/** Name of the model topology file. */
export const MODEL_FILE = "model.json";
/** Name of the weights file written by ganbench. */
export const WEIGHTS_FILE = "weights.bin";
/** Name of the manifest file. */
export const MANIFEST_FILE = "manifest.json";

/**
 * Writes a file atomically: a temporary file in the same directory, then a
 * rename over the target.
 *
 * @param path The target file.
 * @param data The bytes or text to write.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
): Promise<void> {
  const tmp = `${path}.${Deno.pid}.${Date.now()}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** What {@linkcode saveLayersModel} wrote. */
export interface SavedModelFiles {
  /** Weight file names, in manifest order. */
  weightsFiles: string[];
  /** md5 of the concatenated weight files. */
  weightsMd5: string;
  /** Total weight bytes. */
  weightsBytes: number;
}

/**
 * Saves a tfjs-layers model in the TF.js layers format to a directory
 * (`model.json` + `weights.bin`), each file written atomically.
 *
 * @param model Any object with tfjs-layers' `save(handler)`.
 * @param dir The output directory (created if missing).
 * @returns Weight file names, md5 and size.
 */
export async function saveLayersModel(
  model: { save(handler: tf.io.IOHandler): Promise<tf.io.SaveResult> },
  dir: string,
): Promise<SavedModelFiles> {
  await Deno.mkdir(dir, { recursive: true });
  let saved: SavedModelFiles | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const bytes = new Uint8Array(data);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? "layers-model",
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{
        paths: [`./${WEIGHTS_FILE}`],
        weights: artifacts.weightSpecs ?? [],
      }],
    };
    await writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
    await writeFileAtomic(
      join(dir, MODEL_FILE),
      JSON.stringify(modelJson) + "\n",
    );
    saved = {
      weightsFiles: [WEIGHTS_FILE],
      weightsMd5: md5Hex(bytes),
      weightsBytes: bytes.length,
    };
    return {
      modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts),
    };
  }));
  if (saved === undefined) throw new Error(`${dir}: model was not saved`);
  return saved;
}

/** A model read from disk, ready for `loadLayersModel` / `loadGraphModel`. */
export interface ReadModel {
  /** The model artifacts (topology, weight specs, weight data). */
  artifacts: tf.io.ModelArtifacts;
  /** `layers-model` or `graph-model`. */
  format: "layers-model" | "graph-model";
  /** Weight file paths, in manifest order. */
  weightsFiles: string[];
  /** md5 of the concatenated weight files. */
  weightsMd5: string;
}

/**
 * Turns a path or file:/http(s): URL into something readable.
 *
 * @param location A path or URL string.
 * @returns `{ path }` for local files, `{ url }` for remote ones.
 */
export function resolveLocation(
  location: string,
): { path: string } | { url: string } {
  if (/^https?:\/\//i.test(location)) return { url: location };
  if (location.startsWith("file:")) return { path: fileURLToPath(location) };
  return { path: resolve(location) };
}

async function readBytes(location: string): Promise<Uint8Array> {
  const where = resolveLocation(location);
  if ("url" in where) {
    const response = await fetch(where.url);
    if (!response.ok) {
      throw new Error(`${where.url}: HTTP ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  try {
    return await Deno.readFile(where.path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "file not found"
      : errorText(e);
    throw new Error(`${where.path}: cannot read evaluator file: ${why}`);
  }
}

/**
 * Reads a TF.js model (`model.json` + its weight files) and checks the md5
 * of the weights.
 *
 * @param modelPath Path or URL of `model.json`.
 * @param expectedMd5 Expected md5 of the concatenated weight files, if known.
 * @returns The artifacts, format and checksum; a mismatch or malformed file
 *   is a one-line error naming the file.
 */
export async function readModel(
  modelPath: string,
  expectedMd5?: string,
): Promise<ReadModel> {
  const text = new TextDecoder().decode(await readBytes(modelPath));
  const json = parseJsonText(text, modelPath) as {
    modelTopology?: unknown;
    format?: string;
    weightsManifest?: tf.io.WeightsManifestConfig;
    generatedBy?: string;
    convertedBy?: string | null;
    signature?: unknown;
    userDefinedMetadata?: { [key: string]: object };
    modelInitializer?: unknown;
  } | null;
  if (
    json === null || typeof json !== "object" || json.modelTopology == null ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new Error(
      `${modelPath}: not a TF.js model.json (needs modelTopology and weightsManifest)`,
    );
  }
  const where = resolveLocation(modelPath);
  const isRemote = "url" in where;
  const base = "url" in where
    ? where.url.slice(0, where.url.lastIndexOf("/") + 1)
    : dirname(where.path);
  const weightsFiles: string[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      weightsFiles.push(
        isRemote ? new URL(p, base).href : join(base, p),
      );
    }
    weightSpecs.push(...group.weights);
  }
  const parts = await Promise.all(weightsFiles.map(readBytes));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const weightsMd5 = md5Hex(all);
  if (expectedMd5 !== undefined && weightsMd5 !== expectedMd5) {
    const names = weightsFiles.join(", ");
    throw new Error(
      `${names}: evaluator weights checksum mismatch: expected md5 ${expectedMd5}, found ${weightsMd5}`,
    );
  }
  const topology = json.modelTopology as Record<string, unknown>;
  const format = json.format === "graph-model" ||
      (json.format === undefined && Array.isArray(topology.node))
    ? "graph-model"
    : "layers-model";
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts["modelTopology"],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs,
    weightData: all.buffer.slice(0, total) as ArrayBuffer,
  };
  if (json.signature !== undefined) {
    artifacts.signature = json.signature as Record<string, unknown>;
  }
  if (json.userDefinedMetadata !== undefined) {
    artifacts.userDefinedMetadata = json.userDefinedMetadata;
  }
  if (json.modelInitializer !== undefined) {
    artifacts.modelInitializer = json.modelInitializer as Record<
      string,
      unknown
    >;
  }
  return { artifacts, format, weightsFiles, weightsMd5 };
}

/**
 * The file name part of a path or URL.
 *
 * @param location A path or URL.
 * @returns The last path component.
 */
export function fileName(location: string): string {
  return basename(location.replace(/[?#].*$/, ""));
}

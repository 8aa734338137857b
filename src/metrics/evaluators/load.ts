/**
 * Loading evaluator networks: ganbench's own classifiers from the committed
 * weights (md5-verified against their manifest), or an external TF.js model
 * (layers or graph format, e.g. a converted Inception-v3 with its 2048-d
 * pool output) with named feature and logits/probability outputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import * as tfc from "@tensorflow/tfjs-converter";
import { join } from "node:path";
import { fileName, MANIFEST_FILE, MODEL_FILE, readModel } from "./_io.ts";
import { defaultWeightsDir, evaluatorIdFor } from "./paths.ts";
import { evaluatorChecksum } from "./checksum.ts";
import { errorText } from "../../util/errors.ts";
import { parseJsonText } from "../../util/json.ts";
import type {
  Evaluator,
  EvaluatorManifest,
  EvaluatorOutputs,
  ExternalModelSpec,
  ImageShape3,
} from "./types.ts";

/** Options of {@linkcode loadEvaluator}. */
export interface LoadEvaluatorOptions {
  /**
   * Root of the shipped weights, holding `<dataset>/manifest.json`
   * (default `src/metrics/evaluators/weights/`).
   */
  weightsRoot?: string;
  /** Images per forward pass (default 256; external models: see the spec). */
  batchSize?: number;
}

/** A forward function: prepared images → [features, logits-or-probabilities]. */
type Forward = (x: tf.Tensor4D) => [tf.Tensor2D, tf.Tensor2D | null];

/**
 * Loads an evaluator network.
 *
 * @param source A data set id (`mnist`, `fashion`, `cifar10`, …: the shipped
 *   classifier) or an {@linkcode ExternalModelSpec} naming a TF.js model.
 * @param options Weights root and batch size.
 * @returns The evaluator; dispose it when done.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { loadEvaluator } from "./load.ts";
 * const ev = await loadEvaluator("mnist");
 * const images = tf.zeros([4, 28, 28, 1]) as tf.Tensor4D;
 * const { features, probabilities } = ev.predict(images); // [4,128], [4,10]
 * ev.dispose();
 * const inception = await loadEvaluator({
 *   path: "models/inception_v3/model.json",
 *   featureOutput: "avg_pool",
 *   probabilitiesOutput: "predictions",
 * });
 * ```
 */
export async function loadEvaluator(
  source: string | ExternalModelSpec,
  options: LoadEvaluatorOptions = {},
): Promise<Evaluator> {
  if (typeof source === "string") return await loadShipped(source, options);
  return await loadExternal(source, options);
}

/**
 * Reads and validates the manifest of a shipped evaluator.
 *
 * @param dataset The data set id.
 * @param weightsRoot The weights root (default: the committed weights).
 * @returns The manifest.
 * @example
 * ```ts
 * import { readEvaluatorManifest } from "./load.ts";
 * (await readEvaluatorManifest("mnist")).testAccuracy; // e.g. 0.992
 * ```
 */
export async function readEvaluatorManifest(
  dataset: string,
  weightsRoot?: string,
): Promise<EvaluatorManifest> {
  const dir = defaultWeightsDir(dataset, weightsRoot);
  const path = /^https?:/.test(dir)
    ? `${dir}${MANIFEST_FILE}`
    : join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = /^https?:/.test(path)
      ? await (await fetch(path)).text()
      : await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "not found (no evaluator trained for this data set; run `ganbench train-evaluator --dataset " +
        dataset + "`)"
      : errorText(e);
    throw new Error(`${path}: ${why}`);
  }
  const m = parseJsonText(text, path) as EvaluatorManifest | null;
  const ok = m !== null && typeof m === "object" &&
    typeof m.weightsMd5 === "string" && Number.isInteger(m.featureDim) &&
    Number.isInteger(m.numClasses) && Array.isArray(m.inputShape) &&
    m.inputShape.length === 3;
  if (!ok) {
    throw new Error(
      `${path}: not an evaluator manifest (needs weightsMd5, featureDim, numClasses, inputShape)`,
    );
  }
  return m;
}

async function loadShipped(
  dataset: string,
  options: LoadEvaluatorOptions,
): Promise<Evaluator> {
  const manifest = await readEvaluatorManifest(dataset, options.weightsRoot);
  const dir = defaultWeightsDir(dataset, options.weightsRoot);
  const modelPath = /^https?:/.test(dir)
    ? `${dir}${MODEL_FILE}`
    : join(dir, MODEL_FILE);
  const read = await readModel(modelPath, manifest.weightsMd5);
  const model = await tfl.loadLayersModel(tf.io.fromMemory(read.artifacts));
  const featureLayer = manifest.featureLayer ?? "features";
  const logitsLayer = manifest.logitsLayer ?? "logits";
  const forward = layersForward(model, featureLayer, logitsLayer, modelPath);
  return makeEvaluator({
    id: manifest.id ?? evaluatorIdFor(dataset),
    checksum: read.weightsMd5,
    inputShape: manifest.inputShape as ImageShape3,
    featureDim: manifest.featureDim,
    numClasses: manifest.numClasses,
    batchSize: options.batchSize ?? 256,
    inputRange: [-1, 1],
    outputsAreProbabilities: false,
    forward,
    dispose: () => model.dispose(),
  });
}

function layerOutput(
  model: tfl.LayersModel,
  name: string,
  modelPath: string,
): tfl.SymbolicTensor {
  let layer: tfl.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new Error(
      `${modelPath}: no layer named "${name}" (layers: ${
        model.layers.map((l) => l.name).join(", ")
      })`,
    );
  }
  const out = layer.output;
  if (Array.isArray(out)) {
    throw new Error(`${modelPath}: layer "${name}" has several outputs`);
  }
  return out;
}

function layersForward(
  model: tfl.LayersModel,
  featureName: string,
  headName: string | null,
  modelPath: string,
): Forward {
  const outputs = [layerOutput(model, featureName, modelPath)];
  if (headName !== null) outputs.push(layerOutput(model, headName, modelPath));
  const sub = tfl.model({ inputs: model.inputs, outputs });
  return (x) => {
    const out = sub.predict(x) as tf.Tensor | tf.Tensor[];
    const arr = Array.isArray(out) ? out : [out];
    const features = flatten2d(arr[0]);
    const head = arr.length > 1 ? flatten2d(arr[1]) : null;
    return [features, head];
  };
}

function flatten2d(t: tf.Tensor): tf.Tensor2D {
  return t.rank === 2
    ? t as tf.Tensor2D
    : tf.reshape(t, [t.shape[0], -1]) as tf.Tensor2D;
}

async function loadExternal(
  spec: ExternalModelSpec,
  options: LoadEvaluatorOptions,
): Promise<Evaluator> {
  if (typeof spec.path !== "string" || spec.path === "") {
    throw new Error("external evaluator: the model path is empty");
  }
  const read = await readModel(spec.path, spec.md5);
  const id = `external:${fileName(spec.path)}`;
  let forward: Forward;
  let dispose: () => void;
  let modelInput: (number | null)[];
  // The outputs actually read (defaults resolved), for the checksum.
  let featureName: string;
  let headName: string | null;
  if (read.format === "layers-model") {
    const model = await tfl.loadLayersModel(tf.io.fromMemory(read.artifacts));
    const names = new Set(model.layers.map((l) => l.name));
    featureName = spec.featureOutput ?? "features";
    headName = spec.probabilitiesOutput ?? spec.logitsOutput ??
      (names.has("logits") ? "logits" : null);
    forward = layersForward(model, featureName, headName, spec.path);
    dispose = () => model.dispose();
    modelInput = model.inputs[0].shape;
  } else {
    const model = await tfc.loadGraphModel(tf.io.fromMemory(read.artifacts));
    const featureOutput = spec.featureOutput ??
      (model.outputNodes.length === 1 ? model.outputNodes[0] : undefined);
    if (featureOutput === undefined) {
      throw new Error(
        `${spec.path}: graph model has outputs ${
          model.outputNodes.join(", ")
        }: give featureOutput (a node name, e.g. the pool_3 node)`,
      );
    }
    featureName = featureOutput;
    headName = spec.probabilitiesOutput ?? spec.logitsOutput ?? null;
    const outputs = [featureOutput];
    if (headName !== null) outputs.push(headName);
    forward = (x) => {
      let out: tf.Tensor | tf.Tensor[];
      try {
        out = model.execute(x, outputs);
      } catch (e) {
        throw new Error(
          `${spec.path}: cannot compute outputs ${outputs.join(", ")}: ${
            errorText(e)
          }`,
        );
      }
      const arr = Array.isArray(out) ? out : [out];
      return [flatten2d(arr[0]), arr.length > 1 ? flatten2d(arr[1]) : null];
    };
    dispose = () => model.dispose();
    modelInput = model.inputs[0]?.shape ?? [];
  }
  const inputShape = externalInputShape(spec, modelInput);
  // One probe image gives the output widths.
  const [featureDim, numClasses] = tf.tidy(() => {
    const [f, h] = forward(tf.zeros([1, ...inputShape]) as tf.Tensor4D);
    return [f.shape[1], h === null ? 0 : h.shape[1]];
  });
  const big = inputShape[0] >= 128 || inputShape[1] >= 128;
  const inputRange = spec.inputRange ?? [-1, 1];
  const outputsAreProbabilities = spec.probabilitiesOutput !== undefined;
  return makeEvaluator({
    id,
    checksum: evaluatorChecksum(read.weightsMd5, {
      featureOutput: featureName,
      logitsOutput: outputsAreProbabilities ? null : headName,
      probabilitiesOutput: outputsAreProbabilities ? headName : null,
      inputShape,
      inputRange,
    }),
    inputShape,
    featureDim,
    numClasses,
    batchSize: spec.batchSize ?? options.batchSize ?? (big ? 64 : 256),
    inputRange,
    outputsAreProbabilities,
    forward,
    dispose,
  });
}

function externalInputShape(
  spec: ExternalModelSpec,
  modelInput: (number | null)[],
): ImageShape3 {
  const fromModel = modelInput.length === 4 ? modelInput.slice(1) : [];
  const size = spec.inputSize;
  const h = size?.[0] ?? fromModel[0];
  const w = size?.[1] ?? fromModel[1];
  const c = (size?.length === 3 ? size[2] : undefined) ?? fromModel[2] ?? 3;
  for (const [name, v] of [["height", h], ["width", w], ["channels", c]]) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new Error(
        `${spec.path}: input ${name} unknown (${v}); give inputSize, e.g. [299, 299]`,
      );
    }
  }
  if (c !== 1 && c !== 3) {
    throw new Error(`${spec.path}: input channels ${c}: expected 1 or 3`);
  }
  return [h as number, w as number, c as number];
}

interface EvaluatorParts {
  id: string;
  checksum: string;
  inputShape: ImageShape3;
  featureDim: number;
  numClasses: number;
  batchSize: number;
  inputRange: [number, number];
  outputsAreProbabilities: boolean;
  forward: Forward;
  dispose: () => void;
}

/**
 * Brings NHWC images in [−1, 1] to a network's input: bilinear resize,
 * grey → RGB tiling, and a linear map of [−1, 1] onto `range`.
 *
 * @param images Images `[N, h, w, c]` in [−1, 1].
 * @param inputShape The network's `[h, w, c]`.
 * @param range The network's pixel range (default [−1, 1]).
 * @returns A new tensor `[N, ...inputShape]`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { prepareImages } from "./load.ts";
 * const mnistBatch = tf.zeros([4, 28, 28, 1]) as tf.Tensor4D;
 * const x = prepareImages(mnistBatch, [299, 299, 3]); // resized, tiled to RGB
 * ```
 */
export function prepareImages(
  images: tf.Tensor4D,
  inputShape: ImageShape3,
  range: [number, number] = [-1, 1],
): tf.Tensor4D {
  const [h, w, c] = inputShape;
  const [, ih, iw, ic] = images.shape;
  if (ic !== c && !(ic === 1 && c === 3)) {
    throw new Error(
      `evaluator input: images have ${ic} channels, the network wants ${c}`,
    );
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D = images;
    if (ih !== h || iw !== w) {
      x = tf.image.resizeBilinear(x, [h, w], false, true);
    }
    if (ic === 1 && c === 3) x = tf.tile(x, [1, 1, 1, 3]);
    const [lo, hi] = range;
    if (lo !== -1 || hi !== 1) {
      x = tf.add(tf.mul(tf.add(x, 1), (hi - lo) / 2), lo);
    }
    return x === images ? tf.clone(x) : x;
  });
}

function makeEvaluator(parts: EvaluatorParts): Evaluator {
  let disposed = false;
  const check = (images: tf.Tensor4D) => {
    if (disposed) throw new Error(`evaluator ${parts.id}: already disposed`);
    if (images.rank !== 4) {
      throw new Error(
        `evaluator ${parts.id}: images must be NHWC [N, h, w, c], got shape [${images.shape}]`,
      );
    }
  };
  const run = (
    images: tf.Tensor4D,
    wantFeatures: boolean,
    wantProbs: boolean,
  ): { features: tf.Tensor2D | null; probabilities: tf.Tensor2D | null } => {
    check(images);
    if (wantProbs && parts.numClasses === 0) {
      throw new Error(
        `evaluator ${parts.id}: has no logits/probabilities output (give logitsOutput or probabilitiesOutput)`,
      );
    }
    const n = images.shape[0];
    const feats: tf.Tensor2D[] = [];
    const probs: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < n; start += parts.batchSize) {
        const size = Math.min(parts.batchSize, n - start);
        const out = tf.tidy(() => {
          const chunk = start === 0 && size === n
            ? images
            : tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
          const x = prepareImages(chunk, parts.inputShape, parts.inputRange);
          const [fe, head] = parts.forward(x);
          const kept: tf.Tensor2D[] = [];
          if (wantFeatures) kept.push(fe);
          if (wantProbs && head !== null) {
            kept.push(parts.outputsAreProbabilities ? head : tf.softmax(head));
          }
          return kept;
        });
        if (wantFeatures) feats.push(out[0]);
        if (wantProbs) probs.push(out[wantFeatures ? 1 : 0]);
      }
      const join2 = (ts: tf.Tensor2D[], width: number): tf.Tensor2D =>
        ts.length === 0
          ? tf.zeros([0, width]) as tf.Tensor2D
          : ts.length === 1
          ? ts[0]
          : tf.concat(ts, 0);
      return {
        features: wantFeatures ? join2(feats, parts.featureDim) : null,
        probabilities: wantProbs ? join2(probs, parts.numClasses) : null,
      };
    } finally {
      if (feats.length > 1) feats.forEach((t) => t.dispose());
      if (probs.length > 1) probs.forEach((t) => t.dispose());
    }
  };
  return {
    id: parts.id,
    checksum: parts.checksum,
    featureDim: parts.featureDim,
    numClasses: parts.numClasses,
    inputShape: parts.inputShape,
    batchSize: parts.batchSize,
    features: (images) => run(images, true, false).features!,
    probabilities: (images) => run(images, false, true).probabilities!,
    predict: (images): EvaluatorOutputs => {
      const r = run(images, true, true);
      return { features: r.features!, probabilities: r.probabilities! };
    },
    dispose: () => {
      if (!disposed) parts.dispose();
      disposed = true;
    },
  };
}

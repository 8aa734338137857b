/**
 * Calibrates a trained classifier in place and describes its feature layer,
 * on a data set's test split: the temperature is fitted on the first half of
 * the split and checked on the second, then folded into the `logits` layer.
 * Every evaluator `train-evaluator` writes goes through here, and the
 * results are recorded in its manifest.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { toImageTensor } from "../../data/tensor.ts";
import type { Split } from "../../data/types.ts";
import { FEATURE_LAYER, LOGITS_LAYER } from "./architecture.ts";
import {
  expectedCalibrationError,
  fitTemperature,
  foldTemperature,
  meanNll,
} from "./calibration.ts";
import { featureLayerStats } from "./feature_layer_stats.ts";
import type { EvaluatorCalibration, FeatureLayerStats } from "./types.ts";

/** Images per forward pass. */
const BATCH = 500;

/** What {@linkcode calibrateClassifier} measured. */
export interface ClassifierDescription {
  /** The fitted temperature and its check. */
  calibration: EvaluatorCalibration;
  /** Live units and covariance rank of the feature layer on the whole split. */
  featureStats: FeatureLayerStats;
}

/**
 * Fits a temperature on the first half of `split` (by NLL), checks it on the
 * second half (ECE and NLL before and after), folds it into the `logits`
 * layer and measures the feature layer's live share and effective rank on
 * the whole split.
 *
 * @param model A classifier with `features` and `logits` layers; its
 *   `logits` weights are divided by T.
 * @param split The held-out images (the test split: the classifier never
 *   trained on them).
 * @param shape `[h, w, c]`.
 * @returns The calibration record and the feature statistics.
 * @example
 * ```ts
 * import { loadSynthetic } from "../../data/synthetic.ts";
 * import { ARCHITECTURES, buildClassifier } from "./architecture.ts";
 * import { calibrateClassifier } from "./calibrate_model.ts";
 * const ds = loadSynthetic({ trainCount: 8, testCount: 16 });
 * const model = buildClassifier({ spec: ARCHITECTURES.tiny, inputShape: [16, 16, 1], numClasses: ds.numClasses, seed: 1 });
 * const { calibration } = await calibrateClassifier(model, ds.test, [16, 16, 1]);
 * calibration.temperature > 0; // true
 * ```
 */
export async function calibrateClassifier(
  model: tfl.LayersModel,
  split: Split,
  shape: [number, number, number],
): Promise<ClassifierDescription> {
  const n = split.count;
  if (n < 4) {
    throw new Error(`calibrate: ${n} held-out images; need at least 4`);
  }
  const { features, logits } = await forwardAll(model, split, shape);
  const k = logits.length / n;
  const half = Math.floor(n / 2);
  const fitLogits = logits.subarray(0, half * k);
  const checkLogits = logits.subarray(half * k);
  const fitLabels = split.labels.subarray(0, half);
  const checkLabels = split.labels.subarray(half, n);
  const temperature = fitTemperature(fitLogits, fitLabels, k);
  foldTemperature(model.getLayer(LOGITS_LAYER), temperature);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    calibration: {
      method: "temperature-scaling",
      temperature,
      fitImages: `test 0–${half - 1}`,
      checkImages: `test ${half}–${n - 1}`,
      eceBefore: round(expectedCalibrationError(checkLogits, checkLabels, k)),
      eceAfter: round(
        expectedCalibrationError(checkLogits, checkLabels, k, temperature),
      ),
      nllBefore: round(meanNll(checkLogits, checkLabels, k, 1)),
      nllAfter: round(meanNll(checkLogits, checkLabels, k, temperature)),
    },
    featureStats: featureLayerStats(features, n),
  };
}

/** Features and logits of every image of the split (inference mode). */
async function forwardAll(
  model: tfl.LayersModel,
  split: Split,
  shape: [number, number, number],
): Promise<{ features: Float32Array; logits: Float32Array }> {
  // Node 0: the model's own graph (a head-only trainer adds a second).
  const sub = tfl.model({
    inputs: model.inputs,
    outputs: [
      model.getLayer(FEATURE_LAYER).getOutputAt(0) as tfl.SymbolicTensor,
      model.getLayer(LOGITS_LAYER).getOutputAt(0) as tfl.SymbolicTensor,
    ],
  });
  const [d, k] = sub.outputs.map((o) => o.shape[1] as number);
  const features = new Float32Array(split.count * d);
  const logits = new Float32Array(split.count * k);
  for (let start = 0; start < split.count; start += BATCH) {
    const end = Math.min(split.count, start + BATCH);
    const idx = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const [f, l] = tf.tidy(() =>
      sub.predict(toImageTensor(split, shape, idx)) as tf.Tensor[]
    );
    features.set(await f.data() as Float32Array, start * d);
    logits.set(await l.data() as Float32Array, start * k);
    tf.dispose([f, l]);
  }
  return { features, logits };
}

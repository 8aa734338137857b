/**
 * ganbench's evaluator networks: per-data-set classifiers trained by ganbench
 * itself (features = the 128/256-d penultimate layer, probabilities =
 * softmax of the logits), or an external TF.js model such as a converted
 * Inception-v3 (pool_3, 2048-d) for paper-comparable FID.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { loadEvaluator } from "./mod.ts";
 *
 * await tf.setBackend("cpu");
 * const ev = await loadEvaluator("mnist"); // verifies the weights' md5
 * const images = tf.zeros([4, 28, 28, 1]) as tf.Tensor4D; // NHWC in [-1, 1]
 * const { features, probabilities } = ev.predict(images);
 * console.log(ev.id, ev.checksum, features.shape, probabilities.shape);
 * // ganbench-mnist-v1 <md5> [4, 128] [4, 10]
 * tf.dispose([images, features, probabilities]);
 * ev.dispose();
 * ```
 *
 * @module
 */
export type {
  Augmentation,
  Evaluator,
  EvaluatorManifest,
  EvaluatorOutputs,
  ExternalModelSpec,
  ImageShape3,
  TrainedWith,
} from "./types.ts";
export {
  architectureByName,
  ARCHITECTURES,
  buildClassifier,
  defaultArchitecture,
  FEATURE_LAYER,
  LOGITS_LAYER,
  setWhiteningWeights,
  WHITEN_LAYER,
} from "./architecture.ts";
export type {
  ArchitectureSpec,
  BuildClassifierOptions,
} from "./architecture.ts";
export { loadEvaluator, prepareImages, readEvaluatorManifest } from "./load.ts";
export type { LoadEvaluatorOptions } from "./load.ts";
export {
  DEFAULT_AUGMENT,
  DEFAULT_BATCH_SIZE,
  DEFAULT_EPOCHS,
  DEFAULT_LABEL_SMOOTHING,
  DEFAULT_OPTIMIZER,
  DEFAULT_WEIGHT_DECAY,
  EPOCH_TEST_IMAGES,
  scheduleFactor,
  SGD_WARMUP,
  testAccuracy,
  trainEvaluator,
} from "./train.ts";
export type { EvaluatorOptimizer, TrainEvaluatorOptions } from "./train.ts";
export {
  defaultWeightsDir,
  defaultWeightsRoot,
  EVALUATOR_VERSION,
  evaluatorIdFor,
} from "./paths.ts";

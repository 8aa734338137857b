/**
 * Shared types of ganbench's evaluator networks: the {@linkcode Evaluator}
 * interface used by FID / IS / KID, the manifest written next to trained
 * weights, and the description of an external TF.js model.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { FeatureLayerStats } from "./feature_layer_stats.ts";

/** `[height, width, channels]` of one image. */
export type ImageShape3 = [number, number, number];

/** Features and class probabilities of a batch of images. */
export interface EvaluatorOutputs {
  /** Penultimate-layer features, `[N, featureDim]`. */
  features: tf.Tensor2D;
  /** Softmax class probabilities, `[N, numClasses]`. */
  probabilities: tf.Tensor2D;
}

/**
 * A feature extractor + classifier used for FID, IS and KID. All methods take
 * NHWC images in [−1, 1] at the data set's native size (resized and
 * channel-tiled internally when the network wants another input) and work in
 * batches of {@linkcode Evaluator.batchSize} to bound memory. Returned tensors
 * belong to the caller.
 */
export interface Evaluator {
  /** Evaluator id written in every result row, e.g. `ganbench-mnist-v2` or `external:model.json`. */
  readonly id: string;
  /**
   * Identifies the weights AND every setting that changes the outputs, as
   * 32 hex digits: rows record it as `evaluator_md5`, `compare` refuses to
   * set rows with different checksums beside each other, and the cached
   * real-image features are keyed on it, so two evaluators with the same
   * checksum must give the same features and probabilities. An external
   * model hashes its weights' md5 with its output names, input size and
   * input range (`evaluatorChecksum` in `checksum.ts`); an evaluator with other
   * settings (e.g. a preprocessing convention) hashes those with its
   * weights likewise; a shipped classifier, whose settings are fixed by its
   * id and manifest, uses the md5 of its weight files, concatenated in
   * manifest order.
   */
  readonly checksum: string;
  /** Width of the feature vector. */
  readonly featureDim: number;
  /** Number of classes of the probability output (0 when the model has none). */
  readonly numClasses: number;
  /** The network's own input `[height, width, channels]`. */
  readonly inputShape: ImageShape3;
  /** Images per forward pass. */
  readonly batchSize: number;
  /**
   * Features of images.
   *
   * @param images NHWC images in [−1, 1].
   * @returns `[N, featureDim]`.
   */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * Class probabilities (softmax of the logits) of images.
   *
   * @param images NHWC images in [−1, 1].
   * @returns `[N, numClasses]`; throws when the model has no class output.
   */
  probabilities(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * Features and probabilities in one pass.
   *
   * @param images NHWC images in [−1, 1].
   * @returns Both tensors; throws when the model has no class output.
   */
  predict(images: tf.Tensor4D): EvaluatorOutputs;
  /** Releases the network's weights. */
  dispose(): void;
}

/** How an evaluator was trained (recorded in its manifest). */
export interface TrainedWith {
  /** Passes over the training split. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /** Seed of initialisation, shuffling and augmentation. */
  seed: number;
  /** TF.js backend the weights were trained on. */
  backend: string;
  /** Wall-clock training time in seconds (excluding the final test pass). */
  seconds: number;
  /** Optimiser steps taken. */
  steps: number;
  /** Optimiser (`adam` when absent: the weights trained before it was recorded). */
  optimizer?: string;
  /** Initial (Adam) or peak (SGD) learning rate. */
  learningRate: number;
  /** Learning rate of the last step (after decay). */
  finalLearningRate: number;
  /** Label smoothing of the cross-entropy (0 when absent). */
  labelSmoothing?: number;
  /** L2 weight decay of the kernels (0 when absent). */
  weightDecay?: number;
  /** Augmentation applied to training batches. */
  augment: Augmentation;
  /** Architecture name (see {@linkcode ARCHITECTURES}). */
  architecture: string;
  /** Training images used (all of the train split unless limited). */
  trainImages: number;
  /**
   * The evaluator whose convolutional trunk was copied and frozen, when only
   * the feature and logits layers were trained (`--trunk-from`).
   */
  trunkFrom?: EvaluatorSource;
}

/** Another evaluator these weights were made from, by id and weights md5. */
export interface EvaluatorSource {
  /** Its id. */
  id: string;
  /** Its `weightsMd5`. */
  weightsMd5: string;
}

/** Temperature scaling of an evaluator's logits (in its manifest). */
export interface EvaluatorCalibration {
  /** Always `temperature-scaling` (Guo et al. 2017). */
  method: "temperature-scaling";
  /** T: the `logits` layer's weights were divided by it. */
  temperature: number;
  /** The held-out images T was fitted on, e.g. `test 0–4999`. */
  fitImages: string;
  /** The other held-out images, where the figures below were measured. */
  checkImages: string;
  /** Expected calibration error (15 bins) before scaling. */
  eceBefore: number;
  /** Expected calibration error after scaling. */
  eceAfter: number;
  /** Mean negative log-likelihood (nats) before scaling. */
  nllBefore: number;
  /** Mean negative log-likelihood after scaling. */
  nllAfter: number;
}

export type { FeatureLayerStats };

/** Training-time augmentation: none, random shifts, or shifts + horizontal flips. */
export type Augmentation = "none" | "shift" | "shift-flip";

/** `manifest.json`, written next to `model.json` and the weights. */
export interface EvaluatorManifest {
  /** Evaluator id, `ganbench-<dataset>-v2`. */
  id: string;
  /** The data set it classifies. */
  dataset: string;
  /** Top-1 accuracy on the full test split, in [0, 1]. */
  testAccuracy: number;
  /** Test images the accuracy was measured on. */
  testImages: number;
  /** Width of the `features` layer. */
  featureDim: number;
  /** Number of classes. */
  numClasses: number;
  /** Input `[height, width, channels]`. */
  inputShape: ImageShape3;
  /** Name of the feature layer. */
  featureLayer: string;
  /** Name of the logits layer. */
  logitsLayer: string;
  /** Weight files, in the order of `model.json`'s weights manifest. */
  weightsFiles: string[];
  /** md5 of the weight files concatenated in `weightsFiles` order. */
  weightsMd5: string;
  /** Total weight bytes. */
  weightsBytes: number;
  /** TF.js core version that wrote the weights. */
  tfjsVersion: string;
  /** Training settings and cost. */
  trainedWith: TrainedWith;
  /** The temperature folded into the logits (absent: T = 1, never fitted). */
  calibration?: EvaluatorCalibration;
  /** Live units and covariance rank of `features` on the full test split. */
  featureStats?: FeatureLayerStats;
  /** The evaluator these weights were calibrated from, when not trained here. */
  calibratedFrom?: EvaluatorSource;
}

/** An external TF.js model used as evaluator (e.g. a converted Inception-v3). */
export interface ExternalModelSpec {
  /** Path (or file: / http(s): URL) of the model's `model.json`. */
  path: string;
  /**
   * Feature output: a layer name (layers models, default `features`) or a
   * graph node name, optionally with `:index` (graph models).
   */
  featureOutput?: string;
  /**
   * Logits output (softmax is applied): layer or node name. Default `logits`
   * for layers models when such a layer exists.
   */
  logitsOutput?: string;
  /**
   * Probability output used as-is (e.g. Keras InceptionV3 `predictions`);
   * takes precedence over `logitsOutput`.
   */
  probabilitiesOutput?: string;
  /**
   * `[height, width]` (or `[h, w, c]`) the model wants; default: read from the
   * model's input shape. Images are resized bilinearly to it.
   */
  inputSize?: [number, number] | ImageShape3;
  /**
   * The pixel range the model expects; images in [−1, 1] are mapped
   * linearly onto it (default `[-1, 1]`, what Keras' InceptionV3
   * `preprocess_input` produces).
   */
  inputRange?: [number, number];
  /** Expected md5 of the weight files (concatenated); mismatch → error. */
  md5?: string;
  /** Images per forward pass (default 64 for ≥ 128 px inputs, else 256). */
  batchSize?: number;
}

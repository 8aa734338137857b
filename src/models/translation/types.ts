/**
 * Shared types of the paired-translation (pix2pix) models: the conditional
 * generator G(x) → y and the conditional patch discriminator D(x, y) → map.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Module } from "../types.ts";

/** What was built, for a run's config. */
export interface TranslationModelConfig {
  /** Architecture id (`unet`, `patch-nlayer`). */
  model: string;
  /** Input side (28 or 32 for the U-Net; any that fits for D). */
  size: number;
  /** Input channels (D: input + image). */
  inChannels: number;
  /** Output channels (D: 1, the patch map). */
  outChannels: number;
  /** One line per layer. */
  layers: string[];
  /** Trainable parameter count. */
  parameters: number;
  /** Deviations from the reference architecture (width multiplier, …). */
  substitutions: string[];
}

/** A translation generator G(x): input [N, H, W, Cin] → output [N, H, W, Cout] in [−1, 1]. */
export interface TranslationGenerator extends Module {
  /**
   * Runs G.
   *
   * @param input Input images [N, H, W, Cin] in [−1, 1].
   * @param training BatchNorm in training mode (batch statistics, moving
   * statistics updated) when true, inference mode otherwise.
   * @param noiseSeed Seed of this call's dropout masks; when absent the
   * layers' own call counters draw them (see `randomState`).
   * @returns Output images [N, H, W, Cout] in [−1, 1].
   */
  apply(
    input: tf.Tensor4D,
    training: boolean,
    noiseSeed?: number,
  ): tf.Tensor4D;
  /** Architecture record. */
  readonly config: TranslationModelConfig;
}

/** A conditional patch discriminator D(x, y) → raw score map (logits). */
export interface TranslationDiscriminator extends Module {
  /**
   * Runs D on the channel concatenation of input and image.
   *
   * @param input Input images [N, H, W, Cin].
   * @param image Target or generated images [N, H, W, Cout].
   * @param training BatchNorm in training mode when true.
   * @returns Raw score map [N, h, w, 1].
   */
  apply(
    input: tf.Tensor4D,
    image: tf.Tensor4D,
    training: boolean,
  ): tf.Tensor4D;
  /** Number of stride-2 layers n (pix2pix `n_layers`). */
  readonly nLayers: number;
  /** Receptive field of one map element, in input pixels. */
  readonly receptiveField: number;
  /** Map size [h, w] for the built input size. */
  readonly patch: [number, number];
  /** Architecture record. */
  readonly config: TranslationModelConfig;
}

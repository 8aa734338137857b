/**
 * Shared types of the GAN variants: modules (parameter containers),
 * generators, discriminators, the variant descriptor and its registry entry.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { ImageShape } from "../data/types.ts";

// The image shape is the data layer's; re-exported for the models' users.
export type { ImageShape };

/** Normalisation used inside a discriminator / critic. */
export type CriticNorm = "batchnorm" | "layernorm" | "none";

/** A set of named parameters. */
export interface Module {
  /**
   * All variables (trainable parameters and BatchNorm moving statistics), in a
   * fixed order. `v.name` is `<scope><key>`, unique per model.
   */
  readonly variables: tf.Variable[];
  /** The trainable subset of `variables` (what optimizers update). */
  readonly trainableVariables: tf.Variable[];
  /**
   * Stable checkpoint key of each entry of `variables`, same order, without
   * the build scope: e.g. `"G/dense0/kernel"`, `"D/bn1/movingMean"`.
   */
  readonly keys: string[];
  /**
   * JS-side random state (dropout call counters) that a checkpoint must
   * carry for a resumed run to draw the same masks; absent when none.
   */
  readonly randomState?: {
    /** The state as plain numbers. */
    save(): number[];
    /** Restores a state returned by `save`. */
    restore(state: number[]): void;
  };
  /** Disposes every variable (and unregisters its name). */
  dispose(): void;
}

/** A generator G(z, y) → image in [−1, 1]. */
export interface Generator extends Module {
  /** Length of the noise vector z. */
  zDim: number;
  /**
   * Runs G.
   *
   * @param z Noise, shape [N, zDim].
   * @param labels Int32 class labels [N] (conditional variants), else ignored.
   * @param training BatchNorm in training mode (batch statistics, updates
   * the moving statistics) when true, inference mode otherwise.
   * @returns Images [N, H, W, C] in [−1, 1].
   */
  apply(
    z: tf.Tensor2D,
    labels: tf.Tensor1D | null,
    training: boolean,
  ): tf.Tensor4D;
}

/** A discriminator / critic D(x, y) → raw score (logit). */
export interface Discriminator extends Module {
  /**
   * Runs D.
   *
   * @param x Images [N, H, W, C] in [−1, 1].
   * @param labels Int32 class labels [N] (conditional variants), else ignored.
   * @param training BatchNorm/dropout in training mode when true.
   * @returns Raw scores [N, 1], or a patch map [N, h, w, 1] (PatchGAN).
   */
  apply(
    x: tf.Tensor4D,
    labels: tf.Tensor1D | null,
    training: boolean,
  ): tf.Tensor;
}

/** Options of {@linkcode Variant.build}. */
export interface BuildOptions {
  /** Image shape the models produce / consume. */
  shape: ImageShape;
  /** Number of classes (used by conditional variants). */
  numClasses: number;
  /** Seed of every initialiser (same seed → identical weights). */
  seed: number;
  /** Normalisation of D's hidden layers (see `resolvePair`). */
  criticNorm: CriticNorm;
  /**
   * Prefix of the TF.js variable names (default `""`). TF.js variable names
   * are global: pass a distinct scope to keep two models of the same variant
   * alive at once. Checkpoint `keys` never include it.
   */
  scope?: string;
  /**
   * Scales every hidden width (default 1 = the reference architecture).
   * Values below 1 give tiny models for tests and smoke runs; recorded in
   * the config's substitutions.
   */
  widthMultiplier?: number;
}

/** Description of what was built, for the run's config. */
export interface ModelConfig {
  /** Variant id. */
  variant: string;
  /** Image shape. */
  shape: ImageShape;
  /** Classes (0 for unconditional variants). */
  numClasses: number;
  /** Noise length. */
  zDim: number;
  /** Normalisation D actually uses. */
  criticNorm: CriticNorm;
  /** D output: a single score or a patch map [h, w]. */
  dOutput: "score" | { patch: [number, number] };
  /** One line per G layer, e.g. "dense 100→128, leakyRelu 0.2". */
  generatorLayers: string[];
  /** One line per D layer. */
  discriminatorLayers: string[];
  /** Trainable parameter counts. */
  parameters: { generator: number; discriminator: number };
  /** Deviations from the variant's reference architecture. */
  substitutions: string[];
}

/** Result of {@linkcode Variant.build}. */
export interface BuiltModels {
  /** The generator. */
  generator: Generator;
  /** The discriminator / critic. */
  discriminator: Discriminator;
  /** Architecture record. */
  config: ModelConfig;
}

/** A GAN architecture. */
export interface Variant {
  /** Registry id (`mlp`, `dcgan`, …). */
  id: string;
  /** Whether G and D take class labels. */
  conditional: boolean;
  /** Normalisation D uses by default (no gradient penalty). */
  defaultCriticNorm: CriticNorm;
  /** One line describing the supported image shapes. */
  supportsText: string;
  /**
   * Whether the variant can produce / judge images of this shape.
   *
   * @param shape The image shape.
   * @returns True when supported.
   */
  supports(shape: ImageShape): boolean;
  /**
   * Builds G and D with seeded initial weights.
   *
   * @param opts Build options.
   * @returns The models and their config.
   */
  build(opts: BuildOptions): BuiltModels;
}

/**
 * A variant as registered: the architecture plus the facts the harness
 * reads about it (see `VARIANT_REGISTRY`).
 */
export interface VariantEntry extends Variant {
  /**
   * Relative training cost of one image (the inverse of the measured
   * images/s, in arbitrary units; only the order between variants matters).
   * Decides which cells `bench --jobs` starts first.
   */
  costPerImage: number;
}

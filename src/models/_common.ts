/**
 * Private helpers shared by the variant files.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BatchNorm, type BatchNormOptions } from "./layers/batch_norm.ts";
import { LayerNorm } from "./layers/layer_norm.ts";
import type { Dropout } from "./layers/dropout.ts";
import type { ParamStore } from "./layers/param_store.ts";
import type {
  BuildOptions,
  CriticNorm,
  Discriminator,
  Generator,
  ImageShape,
  Variant,
} from "./types.ts";

/** LeakyReLU slope used by every variant. */
export const LEAKY_SLOPE = 0.2;

/**
 * LeakyReLU with slope 0.2.
 *
 * @param x Input.
 * @returns Activated input.
 */
export function lrelu<T extends tf.Tensor>(x: T): T {
  return tf.leakyRelu(x, LEAKY_SLOPE);
}

/**
 * Formats an image shape as "H×W×C".
 *
 * @param s Shape.
 * @returns Text.
 */
export function shapeText(s: ImageShape): string {
  return `${s.height}×${s.width}×${s.channels}`;
}

/**
 * Validates build options against a variant; throws a one-line error.
 *
 * @param variant The variant being built.
 * @param opts The options.
 */
export function checkBuild(variant: Variant, opts: BuildOptions): void {
  const { shape, numClasses, seed, criticNorm } = opts;
  for (const k of ["height", "width", "channels"] as const) {
    if (!Number.isInteger(shape[k]) || shape[k] < 1) {
      throw new Error(
        `models/${variant.id}: shape.${k} must be a positive integer, got ${
          shape[k]
        }`,
      );
    }
  }
  if (!variant.supports(shape)) {
    throw new Error(
      `models/${variant.id}: image shape ${
        shapeText(shape)
      } is not supported (supports ${variant.supportsText})`,
    );
  }
  if (
    variant.conditional && (!Number.isInteger(numClasses) || numClasses < 2)
  ) {
    throw new Error(
      `models/${variant.id}: numClasses must be an integer ≥ 2 for a conditional variant, got ${numClasses}`,
    );
  }
  if (!Number.isInteger(seed)) {
    throw new Error(
      `models/${variant.id}: seed must be an integer, got ${seed}`,
    );
  }
  if (!["batchnorm", "layernorm", "none"].includes(criticNorm)) {
    throw new Error(
      `models/${variant.id}: criticNorm must be batchnorm, layernorm or none, got ${criticNorm}`,
    );
  }
}

/**
 * Throws unless labels are given (conditional variants).
 *
 * @param id Variant id.
 * @param labels Labels or null.
 * @param n Expected batch size.
 * @returns The labels.
 */
export function requireLabels(
  id: string,
  labels: tf.Tensor1D | null,
  n: number,
): tf.Tensor1D {
  if (labels == null) {
    throw new Error(`models/${id}: conditional variant needs int32 labels`);
  }
  if (labels.dtype !== "int32" || labels.rank !== 1 || labels.shape[0] !== n) {
    throw new Error(
      `models/${id}: labels must be int32 [${n}], got ${labels.dtype} [${labels.shape}]`,
    );
  }
  return labels;
}

/**
 * One-hot float32 label vectors.
 *
 * @param labels Int32 labels [N].
 * @param numClasses Classes.
 * @returns [N, numClasses] float32.
 */
export function oneHotFloat(
  labels: tf.Tensor1D,
  numClasses: number,
): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(tf.oneHot(labels, numClasses), "float32") as tf.Tensor2D
  );
}

/**
 * One-hot label maps, constant over the image plane.
 *
 * @param labels Int32 labels [N].
 * @param numClasses Classes.
 * @param h Height.
 * @param w Width.
 * @returns [N, h, w, numClasses] float32.
 */
export function labelMaps(
  labels: tf.Tensor1D,
  numClasses: number,
  h: number,
  w: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const oh = oneHotFloat(labels, numClasses);
    return tf.tile(tf.reshape(oh, [-1, 1, 1, numClasses]), [1, h, w, 1]);
  });
}

/**
 * Returns a width scaler for `opts.widthMultiplier` (default 1).
 *
 * @param opts Build options.
 * @returns `n ↦ max(2, round(n·m))`.
 */
export function widthScaler(opts: BuildOptions): (n: number) => number {
  const m = opts.widthMultiplier ?? 1;
  if (!(m > 0)) {
    throw new Error(`models: widthMultiplier must be > 0, got ${m}`);
  }
  return (n) => (m === 1 ? n : Math.max(2, Math.round(n * m)));
}

/**
 * Substitution line recording a width multiplier other than 1.
 *
 * @param opts Build options.
 * @returns Zero or one line.
 */
export function widthSubstitution(opts: BuildOptions): string[] {
  const m = opts.widthMultiplier ?? 1;
  return m === 1 ? [] : [`hidden widths × ${m}`];
}

/** A hidden-layer normaliser chosen by `criticNorm` (or BN for G). */
export interface Norm {
  /** Description, e.g. "BN". */
  text: string;
  /**
   * Runs the layer.
   *
   * @param x Input.
   * @param training Mode (BatchNorm only).
   * @returns Normalised input.
   */
  apply<T extends tf.Tensor>(x: T, training: boolean): T;
}

/**
 * Creates the normaliser `kind` for one hidden layer, or null for "none".
 *
 * @param store Owner of the variables.
 * @param name Layer name stem ("bn1" / "ln1").
 * @param channels Channels.
 * @param kind Which normaliser.
 * @param bn BatchNorm options.
 * @returns The normaliser or null.
 */
export function makeNorm(
  store: ParamStore,
  name: string,
  channels: number,
  kind: CriticNorm,
  bn: BatchNormOptions,
): Norm | null {
  if (kind === "batchnorm") {
    const layer = new BatchNorm(store, `bn${name}`, channels, bn);
    return {
      text: `BN(m=${bn.momentum})`,
      apply: (x, training) => layer.apply(x, training),
    };
  }
  if (kind === "layernorm") {
    const layer = new LayerNorm(store, `ln${name}`, channels);
    return { text: "LN", apply: (x) => layer.apply(x) };
  }
  return null;
}

/**
 * Wraps a store and an apply function into a Generator.
 *
 * @param store Variables.
 * @param zDim Noise length.
 * @param apply Forward pass.
 * @returns The generator.
 */
export function makeGenerator(
  store: ParamStore,
  zDim: number,
  apply: Generator["apply"],
): Generator {
  return {
    zDim,
    variables: store.variables,
    trainableVariables: store.trainableVariables,
    keys: store.keys,
    dispose: () => store.dispose(),
    apply,
  };
}

/**
 * Wraps a store and an apply function into a Discriminator.
 *
 * @param store Variables.
 * @param apply Forward pass.
 * @param dropouts Its dropout layers, whose call counters checkpoints carry.
 * @returns The discriminator.
 */
export function makeDiscriminator(
  store: ParamStore,
  apply: Discriminator["apply"],
  dropouts: readonly Dropout[] = [],
): Discriminator {
  return {
    variables: store.variables,
    trainableVariables: store.trainableVariables,
    keys: store.keys,
    randomState: dropouts.length === 0 ? undefined : {
      save: () => dropouts.map((d) => d.calls),
      restore: (state) => dropouts.forEach((d, i) => d.calls = state[i] ?? 0),
    },
    dispose: () => store.dispose(),
    apply,
  };
}

/**
 * The standard substitution note when D's normalisation differs from the
 * variant's reference.
 *
 * @param reference Reference normalisation.
 * @param used Normalisation used.
 * @returns Zero or one substitution lines.
 */
export function normSubstitution(
  reference: CriticNorm,
  used: CriticNorm,
): string[] {
  if (reference === used) return [];
  const name = {
    batchnorm: "BatchNorm",
    layernorm: "LayerNorm",
    none: "no norm",
  };
  return [`D ${name[reference]} → ${name[used]}`];
}

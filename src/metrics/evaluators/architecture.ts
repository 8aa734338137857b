/**
 * The classifier architectures of ganbench's evaluator networks, in
 * tfjs-layers, with seeded initialisers: the same seed always gives the same
 * initial weights. Every architecture ends with a ReLU dense layer named
 * `features` (the evaluator's feature vector) and a linear dense layer named
 * `logits`; probabilities are `softmax(logits)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { symmetricEigen } from "../_symmetric_eigen.ts";
import type { ImageShape3 } from "./types.ts";

/** Name of the feature layer of every ganbench evaluator. */
export const FEATURE_LAYER = "features";
/** Name of the logits layer of every ganbench evaluator. */
export const LOGITS_LAYER = "logits";

/** A convolutional classifier: conv blocks, then the feature and logits layers. */
export interface ArchitectureSpec {
  /** Architecture name (recorded in the manifest). */
  name: string;
  /**
   * Conv blocks; each lists the filters of its 3×3 "same" convolutions
   * (conv → batch norm → ReLU each) and has one 2×2 max pooling: after the
   * last convolution, or, with `poolAfterFirstConv`, right after the first.
   */
  blocks: number[][];
  /** Width of the `features` layer. */
  featureDim: number;
  /**
   * Pool each block right after its first convolution, so the others run at
   * a quarter of the pixels (Jordan's airbench "ConvGroup"); default false.
   */
  poolAfterFirstConv?: boolean;
  /**
   * A frozen 2×2 "valid" patch-whitening convolution in front of the blocks
   * (`stem_whiten`, 2·12 filters ± the whitening directions, then ReLU);
   * its weights are set from the training images by
   * {@linkcode setWhiteningWeights}. Default false.
   */
  whiten?: boolean;
  /**
   * BatchNorm between the feature layer's dense map and its ReLU
   * (`features_dense` → `features_bn` → `features`): each unit is
   * normalised over the batch before the ReLU, so it fires on part of the
   * data unless a learnt shift silences it; default false (v1: one dense
   * layer with a ReLU, most of whose units died).
   */
  featureBatchNorm?: boolean;
  /** Global max pooling before `features` instead of flattening; default false. */
  globalPool?: boolean;
  /**
   * Standard deviation of the initial `logits` weights relative to Glorot
   * (default 1). Below 1 keeps the first logits small, so training starts
   * near the uniform prediction (airbench scales its logits by 1/9).
   */
  logitsInitScale?: number;
}

/** Name of the patch-whitening stem convolution. */
export const WHITEN_LAYER = "stem_whiten";
/** Side of the whitening patches. */
export const WHITEN_PATCH = 2;

/** The names of the built-in architectures. */
export type ArchitectureName =
  | "tiny"
  | "tiny-bn"
  | "small"
  | "small-bn"
  | "cifar";

/** The built-in architectures. */
export const ARCHITECTURES: Readonly<
  Record<ArchitectureName, ArchitectureSpec>
> = {
  /** A few hundred parameters, for tests. */
  tiny: { name: "tiny", blocks: [[4], [8]], featureDim: 16 },
  /** `tiny` with a BatchNorm before the feature ReLU, for tests. */
  "tiny-bn": {
    name: "tiny-bn",
    blocks: [[4], [8]],
    featureDim: 16,
    featureBatchNorm: true,
  },
  /** MNIST / Fashion-MNIST v1: 2 conv blocks (32, 64) + dense 128 (~420k parameters). */
  small: { name: "small", blocks: [[32], [64]], featureDim: 128 },
  /**
   * MNIST / Fashion-MNIST v2: `small` with a BatchNorm before the feature
   * ReLU, whose 128 units all stay live (v1's: 31 and 52 of 128).
   */
  "small-bn": {
    name: "small-bn",
    blocks: [[32], [64]],
    featureDim: 128,
    featureBatchNorm: true,
  },
  /**
   * CIFAR-10: patch whitening, then 3 double-conv blocks (32, 64, 128) that
   * pool after their first convolution, global max pooling, dense 256
   * (~300k parameters). Built for speed on one CPU core: ≈ 2.4× the training
   * images/s of the same widths in VGG order.
   */
  cifar: {
    name: "cifar",
    blocks: [[32, 32], [64, 64], [128, 128]],
    featureDim: 256,
    poolAfterFirstConv: true,
    whiten: true,
    globalPool: true,
    logitsInitScale: 1 / 9,
  },
};

/**
 * Resolves an architecture by name.
 *
 * @param name `tiny`, `small` or `cifar`.
 * @returns The spec; throws a one-line error for unknown names.
 * @example
 * ```ts
 * import { architectureByName } from "./architecture.ts";
 * architectureByName("tiny").blocks; // [[4], [8]]
 * ```
 */
export function architectureByName(name: string): ArchitectureSpec {
  const spec = (ARCHITECTURES as Readonly<Record<string, ArchitectureSpec>>)[
    name
  ];
  if (spec === undefined) {
    throw new Error(
      `evaluator architecture "${name}": unknown (expected one of ${
        Object.keys(ARCHITECTURES).join(", ")
      })`,
    );
  }
  return spec;
}

/** Options of {@linkcode buildClassifier}. */
export interface BuildClassifierOptions {
  /** The architecture. */
  spec: ArchitectureSpec;
  /** Input `[height, width, channels]`. */
  inputShape: ImageShape3;
  /** Number of classes (width of `logits`). */
  numClasses: number;
  /** Seed of the weight initialisers (layer i uses seed + 1000·i). */
  seed: number;
  /**
   * L2 weight decay on conv and dense kernels (coupled, as in SGD): adds
   * `weightDecay/2 · Σw²` to the loss, i.e. `weightDecay · w` to the gradient
   * (default 0).
   */
  weightDecay?: number;
}

/**
 * Builds an untrained classifier with seeded initial weights.
 *
 * @param options Architecture, input shape, class count and seed.
 * @returns A tfjs-layers model: images in [−1, 1] → logits; its layers
 *   `features` and `logits` give the evaluator's outputs.
 * @example
 * ```ts
 * import { ARCHITECTURES, buildClassifier } from "./architecture.ts";
 * const model = buildClassifier({ spec: ARCHITECTURES.small, inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
 * model.getLayer("features").outputShape; // [null, 128]
 * ```
 */
export function buildClassifier(
  options: BuildClassifierOptions,
): tfl.LayersModel {
  const { spec, inputShape, numClasses, seed } = options;
  const weightDecay = options.weightDecay ?? 0;
  const regularizer = () =>
    weightDecay > 0 ? tfl.regularizers.l2({ l2: weightDecay / 2 }) : undefined;
  let layerIndex = 0;
  const init = () => {
    layerIndex++;
    return tfl.initializers.heNormal({ seed: seed + 1000 * layerIndex });
  };
  const glorot = () => {
    layerIndex++;
    const scale = spec.logitsInitScale ?? 1;
    // varianceScaling(1, fanAvg, uniform) is glorotUniform itself.
    return scale === 1
      ? tfl.initializers.glorotUniform({ seed: seed + 1000 * layerIndex })
      : tfl.initializers.varianceScaling({
        scale: scale * scale,
        mode: "fanAvg",
        distribution: "uniform",
        seed: seed + 1000 * layerIndex,
      });
  };
  const input = tfl.input({ shape: inputShape, name: "images" });
  let x = input as tfl.SymbolicTensor;
  if (spec.whiten) {
    const patch = WHITEN_PATCH * WHITEN_PATCH * inputShape[2];
    x = tfl.layers.conv2d({
      filters: 2 * patch,
      kernelSize: WHITEN_PATCH,
      padding: "valid",
      kernelInitializer: init(), // replaced by setWhiteningWeights
      trainable: false,
      name: WHITEN_LAYER,
    }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: "relu", name: "stem_relu" })
      .apply(x) as tfl.SymbolicTensor;
  }
  const pool = (b: number) =>
    tfl.layers.maxPooling2d({ poolSize: 2, name: `block${b + 1}_pool` });
  spec.blocks.forEach((filters, b) => {
    filters.forEach((f, c) => {
      const name = `block${b + 1}_conv${c + 1}`;
      x = tfl.layers.conv2d({
        filters: f,
        kernelSize: 3,
        padding: "same",
        useBias: false,
        kernelInitializer: init(),
        kernelRegularizer: regularizer(),
        name,
      }).apply(x) as tfl.SymbolicTensor;
      if (spec.poolAfterFirstConv && c === 0) {
        x = pool(b).apply(x) as tfl.SymbolicTensor;
      }
      x = tfl.layers.batchNormalization({ name: `${name}_bn` })
        .apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.activation({ activation: "relu", name: `${name}_relu` })
        .apply(x) as tfl.SymbolicTensor;
    });
    if (!spec.poolAfterFirstConv) x = pool(b).apply(x) as tfl.SymbolicTensor;
  });
  x = spec.globalPool
    ? tfl.layers.globalMaxPooling2d({ name: "global_pool" })
      .apply(x) as tfl.SymbolicTensor
    : tfl.layers.flatten({ name: "flatten" }).apply(x) as tfl.SymbolicTensor;
  const features = spec.featureBatchNorm
    ? normalisedFeatures(x, spec.featureDim, init(), regularizer())
    : tfl.layers.dense({
      units: spec.featureDim,
      activation: "relu",
      kernelInitializer: init(),
      kernelRegularizer: regularizer(),
      name: FEATURE_LAYER,
    }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({
    units: numClasses,
    kernelInitializer: glorot(),
    kernelRegularizer: regularizer(),
    name: LOGITS_LAYER,
  }).apply(features) as tfl.SymbolicTensor;
  return tfl.model({
    inputs: input,
    outputs: logits,
    name: `ganbench_${spec.name}`,
  });
}

/** Names of the layers of a `featureBatchNorm` feature block, in order. */
export const FEATURE_BLOCK_LAYERS = [
  "features_dense",
  "features_bn",
  FEATURE_LAYER,
] as const;

/** dense (no bias) → BatchNorm → ReLU named `features`. */
function normalisedFeatures(
  x: tfl.SymbolicTensor,
  units: number,
  kernelInitializer: ReturnType<typeof tfl.initializers.heNormal>,
  kernelRegularizer: ReturnType<typeof tfl.regularizers.l2> | undefined,
): tfl.SymbolicTensor {
  const [denseName, bnName, reluName] = FEATURE_BLOCK_LAYERS;
  x = tfl.layers.dense({
    units,
    useBias: false,
    kernelInitializer,
    kernelRegularizer,
    name: denseName,
  }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: bnName })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.layers.activation({ activation: "relu", name: reluName })
    .apply(x) as tfl.SymbolicTensor;
}

/**
 * Sets the frozen patch-whitening stem of a `whiten` architecture from
 * training images: the covariance C of all 2×2 patches, eigendecomposed
 * C = V Λ Vᵀ, gives 2·12 filters ±vᵢ/√(λᵢ + ε) (Jordan's airbench), so after
 * the ReLU the stem passes every whitened direction on, both signs. Bias 0.
 *
 * @param model A model built from a spec with `whiten: true`.
 * @param images NHWC images in [−1, 1], flattened (`n·h·w·c` values).
 * @param shape `[h, w, c]` of one image.
 * @param epsilon Added to every eigenvalue (default 5e-4, airbench's).
 * @example
 * ```ts
 * import { ARCHITECTURES, buildClassifier, setWhiteningWeights } from "./architecture.ts";
 * const model = buildClassifier({ spec: ARCHITECTURES.cifar, inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
 * const pixels = new Float32Array(64 * 32 * 32 * 3).map(() => Math.random() * 2 - 1);
 * setWhiteningWeights(model, pixels, [32, 32, 3]);
 * ```
 */
export function setWhiteningWeights(
  model: tfl.LayersModel,
  images: Float32Array,
  shape: ImageShape3,
  epsilon = 5e-4,
): void {
  const [h, w, c] = shape;
  const p = WHITEN_PATCH;
  const dim = p * p * c;
  const n = images.length / (h * w * c);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(
      `setWhiteningWeights: ${images.length} values are not whole ${h}×${w}×${c} images`,
    );
  }
  // Patch vectors in (dy, dx, channel) order: the layout of a conv kernel.
  const sum = new Float64Array(dim);
  const outer = new Float64Array(dim * dim);
  const v = new Float64Array(dim);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const base = i * h * w * c;
    for (let y = 0; y + p <= h; y++) {
      for (let x = 0; x + p <= w; x++) {
        let k = 0;
        for (let dy = 0; dy < p; dy++) {
          for (let dx = 0; dx < p; dx++) {
            const o = base + ((y + dy) * w + x + dx) * c;
            for (let ch = 0; ch < c; ch++) v[k++] = images[o + ch];
          }
        }
        for (let a = 0; a < dim; a++) {
          sum[a] += v[a];
          for (let b = a; b < dim; b++) outer[a * dim + b] += v[a] * v[b];
        }
        count++;
      }
    }
  }
  const cov = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const value = (outer[a * dim + b] - sum[a] * sum[b] / count) /
        (count - 1);
      cov[a * dim + b] = value;
      cov[b * dim + a] = value;
    }
  }
  const { values, vectors } = symmetricEigen(cov, dim);
  // Kernel [p, p, c, 2·dim]: filter j is +v_j/√λ_j, filter dim + j its negation.
  const kernel = new Float32Array(dim * 2 * dim);
  for (let j = 0; j < dim; j++) {
    const scale = 1 / Math.sqrt(Math.max(values[j], 0) + epsilon);
    for (let k = 0; k < dim; k++) {
      const weight = vectors![j * dim + k] * scale; // column j, row k
      kernel[k * 2 * dim + j] = weight;
      kernel[k * 2 * dim + dim + j] = -weight;
    }
  }
  const layer = model.getLayer(WHITEN_LAYER);
  tf.tidy(() =>
    layer.setWeights([
      tf.tensor4d(kernel, [p, p, c, 2 * dim]),
      tf.zeros([2 * dim]),
    ])
  );
}

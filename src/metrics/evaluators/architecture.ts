/**
 * The classifier architectures of ganbench's evaluator networks, in
 * tfjs-layers, with seeded initialisers: the same seed always gives the same
 * initial weights. Every architecture ends with a ReLU dense layer named
 * `features` (the evaluator's feature vector) and a linear dense layer named
 * `logits`; probabilities are `softmax(logits)`.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
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
   * (conv → batch norm → ReLU each), followed by 2×2 max pooling.
   */
  blocks: number[][];
  /** Width of the `features` layer. */
  featureDim: number;
}

/** The built-in architectures. */
export const ARCHITECTURES: Readonly<Record<string, ArchitectureSpec>> = {
  /** A few hundred parameters, for tests. */
  tiny: { name: "tiny", blocks: [[4], [8]], featureDim: 16 },
  /** MNIST / Fashion-MNIST: 2 conv blocks (32, 64) + dense 128 (~420k parameters). */
  small: { name: "small", blocks: [[32], [64]], featureDim: 128 },
  /** CIFAR-10: 3 double-conv blocks (32, 64, 128) + dense 256 (~840k parameters). */
  cifar: {
    name: "cifar",
    blocks: [[32, 32], [64, 64], [128, 128]],
    featureDim: 256,
  },
};

/**
 * The default architecture of a data set.
 *
 * @param dataset The data set id.
 * @returns `cifar` for CIFAR-10, `small` otherwise.
 * @example
 * ```ts
 * import { defaultArchitecture } from "./architecture.ts";
 * defaultArchitecture("mnist").featureDim; // 128
 * ```
 */
export function defaultArchitecture(dataset: string): ArchitectureSpec {
  return dataset === "cifar10" ? ARCHITECTURES.cifar : ARCHITECTURES.small;
}

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
  const spec = ARCHITECTURES[name];
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
  let layerIndex = 0;
  const init = () => {
    layerIndex++;
    return tfl.initializers.heNormal({ seed: seed + 1000 * layerIndex });
  };
  const glorot = () => {
    layerIndex++;
    return tfl.initializers.glorotUniform({ seed: seed + 1000 * layerIndex });
  };
  const input = tfl.input({ shape: inputShape, name: "images" });
  let x = input as tfl.SymbolicTensor;
  spec.blocks.forEach((filters, b) => {
    filters.forEach((f, c) => {
      const name = `block${b + 1}_conv${c + 1}`;
      x = tfl.layers.conv2d({
        filters: f,
        kernelSize: 3,
        padding: "same",
        useBias: false,
        kernelInitializer: init(),
        name,
      }).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.batchNormalization({ name: `${name}_bn` })
        .apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.activation({ activation: "relu", name: `${name}_relu` })
        .apply(x) as tfl.SymbolicTensor;
    });
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: `block${b + 1}_pool` })
      .apply(x) as tfl.SymbolicTensor;
  });
  x = tfl.layers.flatten({ name: "flatten" }).apply(x) as tfl.SymbolicTensor;
  const features = tfl.layers.dense({
    units: spec.featureDim,
    activation: "relu",
    kernelInitializer: init(),
    name: FEATURE_LAYER,
  }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({
    units: numClasses,
    kernelInitializer: glorot(),
    name: LOGITS_LAYER,
  }).apply(features) as tfl.SymbolicTensor;
  return tfl.model({
    inputs: input,
    outputs: logits,
    name: `ganbench_${spec.name}`,
  });
}

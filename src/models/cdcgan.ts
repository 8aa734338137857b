/**
 * `cdcgan`: conditional DCGAN for 32×32×C images. G is `dcgan`'s with the
 * one-hot label concatenated to z; D is `dcgan`'s with one-hot label maps
 * concatenated to the image as extra channels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ParamStore } from "./layers/param_store.ts";
import {
  checkBuild,
  labelMaps,
  makeDiscriminator,
  makeGenerator,
  normSubstitution,
  oneHotFloat,
  requireLabels,
  widthScaler,
  widthSubstitution,
} from "./_common.ts";
import {
  dcganDiscriminator,
  dcganGenerator,
  supports32,
} from "./_dcgan_parts.ts";
import type { BuildOptions, BuiltModels, Variant } from "./types.ts";

const Z_DIM = 100;

/**
 * The `cdcgan` variant.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { cdcgan } from "./cdcgan.ts";
 * const { generator } = cdcgan.build({
 *   shape: { height: 32, width: 32, channels: 1 }, numClasses: 10, seed: 1, criticNorm: "batchnorm",
 * });
 * const x = generator.apply(tf.randomNormal([2, 100]), tf.tensor1d([3, 7], "int32"), false);
 * ```
 */
export const cdcgan: Variant = {
  id: "cdcgan",
  conditional: true,
  defaultCriticNorm: "batchnorm",
  supportsText: "32×32×1 and 32×32×3",
  supports: supports32,
  build(opts: BuildOptions): BuiltModels {
    checkBuild(cdcgan, opts);
    const { shape, seed, criticNorm, numClasses, scope = "" } = opts;
    const W = widthScaler(opts);
    const gs = new ParamStore("G", seed, scope);
    const ds = new ParamStore("D", seed, scope);
    const gBody = dcganGenerator(gs, Z_DIM + numClasses, shape.channels, W);
    const dBody = dcganDiscriminator(
      ds,
      shape.channels + numClasses,
      criticNorm,
      W,
    );
    return {
      generator: makeGenerator(gs, Z_DIM, (z, labels, training) => {
        const y = requireLabels("cdcgan", labels, z.shape[0]);
        return gBody.apply(
          tf.concat([z, oneHotFloat(y, numClasses)], 1),
          training,
        );
      }),
      discriminator: makeDiscriminator(ds, (x, labels, training) => {
        const y = requireLabels("cdcgan", labels, x.shape[0]);
        const maps = labelMaps(y, numClasses, x.shape[1], x.shape[2]);
        return dBody.apply(tf.concat([x, maps], 3), training);
      }),
      config: {
        variant: "cdcgan",
        shape: { ...shape },
        numClasses,
        zDim: Z_DIM,
        criticNorm,
        dOutput: "score",
        generatorLayers: [
          `concat z${Z_DIM} + one-hot label ${numClasses}`,
          ...gBody.layers,
        ],
        discriminatorLayers: [
          `concat image + ${numClasses} one-hot label maps`,
          ...dBody.layers,
        ],
        parameters: {
          generator: gs.parameterCount(),
          discriminator: ds.parameterCount(),
        },
        substitutions: [
          ...normSubstitution("batchnorm", criticNorm),
          ...widthSubstitution(opts),
        ],
      },
    };
  },
};

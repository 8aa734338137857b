/**
 * `dcgan`: DCGAN (Radford et al. 2016) for 32×32×C images.
 *
 * G: z100 → convT 4×4×256 → 8×8×128 → 16×16×64 → 32×32×C (k4, s2), BN +
 * ReLU, tanh. D: conv k4 s2 C→64 (no BN) → 128 BN → 256 BN → conv k4 valid
 * to 1×1, LeakyReLU 0.2. Weights N(0, 0.02).
 *
 * @module
 */
import { ParamStore } from "./layers/param_store.ts";
import {
  checkBuild,
  makeDiscriminator,
  makeGenerator,
  normSubstitution,
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
 * The `dcgan` variant.
 *
 * @example
 * ```ts
 * import { dcgan } from "./dcgan.ts";
 * const { generator, discriminator } = dcgan.build({
 *   shape: { height: 32, width: 32, channels: 3 }, numClasses: 10, seed: 1, criticNorm: "batchnorm",
 * });
 * ```
 */
export const dcgan: Variant = {
  id: "dcgan",
  conditional: false,
  defaultCriticNorm: "batchnorm",
  supportsText: "32×32×1 and 32×32×3",
  supports: supports32,
  build(opts: BuildOptions): BuiltModels {
    checkBuild(dcgan, opts);
    const { shape, seed, criticNorm, scope = "" } = opts;
    const W = widthScaler(opts);
    const gs = new ParamStore("G", seed, scope);
    const ds = new ParamStore("D", seed, scope);
    const gBody = dcganGenerator(gs, Z_DIM, shape.channels, W);
    const dBody = dcganDiscriminator(ds, shape.channels, criticNorm, W);
    return {
      generator: makeGenerator(
        gs,
        Z_DIM,
        (z, _labels, training) => gBody.apply(z, training),
      ),
      discriminator: makeDiscriminator(
        ds,
        (x, _labels, training) => dBody.apply(x, training),
      ),
      config: {
        variant: "dcgan",
        shape: { ...shape },
        numClasses: 0,
        zDim: Z_DIM,
        criticNorm,
        dOutput: "score",
        generatorLayers: gBody.layers,
        discriminatorLayers: dBody.layers,
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

/**
 * `patchgan`: DCGAN generator with a PatchGAN discriminator (pix2pix N-layer,
 * k4) that outputs a 6×6 score map for 32×32 inputs; losses average over the
 * patches.
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
  dcganGenerator,
  patchDiscriminator,
  supports32,
} from "./_dcgan_parts.ts";
import type { BuildOptions, BuiltModels, Variant } from "./types.ts";

const Z_DIM = 100;

/**
 * The `patchgan` variant.
 *
 * @example
 * ```ts
 * import { patchgan } from "./patchgan.ts";
 * const { config } = patchgan.build({
 *   shape: { height: 32, width: 32, channels: 3 }, numClasses: 10, seed: 1, criticNorm: "batchnorm",
 * });
 * config.dOutput; // { patch: [6, 6] }
 * ```
 */
export const patchgan: Variant = {
  id: "patchgan",
  conditional: false,
  defaultCriticNorm: "batchnorm",
  supportsText: "32×32×1 and 32×32×3",
  supports: supports32,
  build(opts: BuildOptions): BuiltModels {
    checkBuild(patchgan, opts);
    const { shape, seed, criticNorm, scope = "" } = opts;
    const W = widthScaler(opts);
    const gs = new ParamStore("G", seed, scope);
    const ds = new ParamStore("D", seed, scope);
    const gBody = dcganGenerator(gs, Z_DIM, shape.channels, W);
    const dBody = patchDiscriminator(ds, shape.channels, criticNorm, W);
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
        variant: "patchgan",
        shape: { ...shape },
        numClasses: 0,
        zDim: Z_DIM,
        criticNorm,
        dOutput: { patch: dBody.patch },
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

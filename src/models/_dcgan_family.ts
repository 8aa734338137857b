/**
 * The factory of the DCGAN-family variants (`dcgan`, `cdcgan`, `patchgan`):
 * the DCGAN generator with either the DCGAN or the PatchGAN discriminator,
 * optionally conditioned on the class label (one-hot label concatenated to
 * z, one-hot label maps concatenated to the image).
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
  patchDiscriminator,
  supports32,
} from "./_dcgan_parts.ts";
import type {
  BuildOptions,
  BuiltModels,
  Discriminator,
  Generator,
  Variant,
} from "./types.ts";

/** Noise length of every DCGAN-family generator. */
const Z_DIM = 100;

/** What tells the DCGAN-family variants apart. */
export interface DcganFamilyRecipe {
  /** Registry id. */
  id: string;
  /** Whether G and D take the class label. */
  conditional: boolean;
  /** D's body: the DCGAN discriminator (one score) or PatchGAN's (a score map). */
  critic: "dcgan" | "patch";
}

/**
 * Makes a DCGAN-family variant: 32×32×1 and 32×32×3 images, BatchNorm D by
 * default.
 *
 * @param recipe The id, conditioning and discriminator.
 * @returns The variant.
 * @example
 * ```ts
 * import { dcganFamily } from "./_dcgan_family.ts";
 * const variant = dcganFamily({ id: "dcgan", conditional: false, critic: "dcgan" });
 * variant.supportsText; // "32×32×1 and 32×32×3"
 * ```
 */
export function dcganFamily(recipe: DcganFamilyRecipe): Variant {
  const variant: Variant = {
    id: recipe.id,
    conditional: recipe.conditional,
    defaultCriticNorm: "batchnorm",
    supportsText: "32×32×1 and 32×32×3",
    supports: supports32,
    build: (opts) => buildFamily(variant, recipe, opts),
  };
  return variant;
}

/** Builds G and D of a DCGAN-family variant (G's variables first). */
function buildFamily(
  variant: Variant,
  recipe: DcganFamilyRecipe,
  opts: BuildOptions,
): BuiltModels {
  checkBuild(variant, opts);
  const { shape, seed, criticNorm, scope = "" } = opts;
  const numClasses = recipe.conditional ? opts.numClasses : 0;
  const W = widthScaler(opts);
  const gs = new ParamStore("G", seed, scope);
  const ds = new ParamStore("D", seed, scope);
  const gBody = dcganGenerator(gs, Z_DIM + numClasses, shape.channels, W);
  const dIn = shape.channels + numClasses;
  const dBody = recipe.critic === "patch"
    ? patchDiscriminator(ds, dIn, criticNorm, W)
    : dcganDiscriminator(ds, dIn, criticNorm, W);
  const conditioned = recipe.conditional
    ? {
      g: [`concat z${Z_DIM} + one-hot label ${numClasses}`],
      d: [`concat image + ${numClasses} one-hot label maps`],
    }
    : { g: [], d: [] };
  return {
    generator: makeGenerator(
      gs,
      Z_DIM,
      generatorApply(recipe, gBody, numClasses),
    ),
    discriminator: makeDiscriminator(
      ds,
      discriminatorApply(recipe, dBody, numClasses),
    ),
    config: {
      variant: recipe.id,
      shape: { ...shape },
      numClasses,
      zDim: Z_DIM,
      criticNorm,
      dOutput: "patch" in dBody ? { patch: dBody.patch } : "score",
      generatorLayers: [...conditioned.g, ...gBody.layers],
      discriminatorLayers: [...conditioned.d, ...dBody.layers],
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
}

/** G's forward pass: the body on z, or on z + one-hot label when conditional. */
function generatorApply(
  recipe: DcganFamilyRecipe,
  body: ReturnType<typeof dcganGenerator>,
  numClasses: number,
): Generator["apply"] {
  if (!recipe.conditional) {
    return (z, _labels, training) => body.apply(z, training);
  }
  return (z, labels, training) => {
    const y = requireLabels(recipe.id, labels, z.shape[0]);
    return body.apply(tf.concat([z, oneHotFloat(y, numClasses)], 1), training);
  };
}

/** D's forward pass: the body on the image, or on image + label maps when conditional. */
function discriminatorApply(
  recipe: DcganFamilyRecipe,
  body: { apply(x: tf.Tensor4D, training: boolean): tf.Tensor },
  numClasses: number,
): Discriminator["apply"] {
  if (!recipe.conditional) {
    return (x, _labels, training) => body.apply(x, training);
  }
  return (x, labels, training) => {
    const y = requireLabels(recipe.id, labels, x.shape[0]);
    const maps = labelMaps(y, numClasses, x.shape[1], x.shape[2]);
    return body.apply(tf.concat([x, maps], 3), training);
  };
}

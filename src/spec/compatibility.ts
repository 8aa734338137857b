/**
 * Whether a (variant, loss, data set) combination can run, decided from the
 * registries before anything is loaded or trained.
 *
 * @module
 */
import { DATASET_REGISTRY, isDatasetId } from "../data/registry.ts";
import { getVariant } from "../models/registry.ts";
import { resolvePair } from "../losses/registry.ts";

/**
 * Checks one combination.
 *
 * @param variant Variant id.
 * @param loss Loss id.
 * @param dataset Data set id (its native shape comes from the data
 *   registry; an id the registry lacks is left to the id validation).
 * @returns `null` when it can run, else one short reason.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compatibility } from "./compatibility.ts";
 * // DCGAN trains on MNIST padded to 32×32.
 * assert.equal(compatibility("dcgan", "ns", "mnist"), null);
 * assert.equal(compatibility("dcgan", "wgan-gp", "cifar10"), null);
 * assert.throws(() => compatibility("vae", "ns", "mnist"), /unknown variant/);
 * ```
 */
export function compatibility(
  variant: string,
  loss: string,
  dataset: string,
): string | null {
  if (!isDatasetId(dataset)) return null;
  const shape = DATASET_REGISTRY[dataset].shape;
  const v = getVariant(variant);
  const padded = { height: 32, width: 32, channels: shape.channels };
  const fits = v.supports(shape) ||
    (shape.height <= 32 && shape.width <= 32 && v.supports(padded));
  if (!fits) {
    return `${variant} does not support ${dataset} images (${shape.height}×${shape.width}×${shape.channels}; supports ${v.supportsText})`;
  }
  try {
    resolvePair(variant, loss);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}

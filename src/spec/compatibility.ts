/**
 * Whether a (variant, loss, data set) combination can run, decided from the
 * registries before anything is loaded or trained.
 *
 * @module
 */
import { getVariant } from "../models/registry.ts";
import { resolvePair } from "../losses/registry.ts";
import type { ImageShape } from "../models/types.ts";

/** Native image shape of each built-in data set. */
export const DATASET_SHAPES: Readonly<Record<string, ImageShape>> = {
  mnist: { height: 28, width: 28, channels: 1 },
  fashion: { height: 28, width: 28, channels: 1 },
  cifar10: { height: 32, width: 32, channels: 3 },
  synthetic: { height: 16, width: 16, channels: 1 },
};

/**
 * Checks one combination.
 *
 * @param variant Variant id.
 * @param loss Loss id.
 * @param dataset Data set id.
 * @returns `null` when it can run, else one short reason.
 * @example
 * ```ts
 * import { compatibility } from "./compatibility.ts";
 * compatibility("dcgan", "ns", "mnist"); // null: trains on MNIST padded to 32×32
 * ```
 */
export function compatibility(
  variant: string,
  loss: string,
  dataset: string,
): string | null {
  const shape = DATASET_SHAPES[dataset];
  if (!shape) return null;
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

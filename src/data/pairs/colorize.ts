/**
 * Colourisation of CIFAR-10: BT.601 luma in, RGB out.
 *
 * @module
 */
import type { Dataset } from "../types.ts";
import { checkSource, pairedDataset, writeTarget } from "./_paired.ts";
import type { PairedDataset, PairTask } from "./types.ts";

/** BT.601 luma weights of R, G and B: Y = 0.299 R + 0.587 G + 0.114 B. */
export const LUMA_WEIGHTS: readonly [number, number, number] = [
  0.299,
  0.587,
  0.114,
];

/** The colourisation task: 32×32 luma → 32×32 RGB. */
export const COLORIZE_TASK: PairTask = {
  id: "colorize-cifar10",
  source: "cifar10",
  inputShape: { height: 32, width: 32, channels: 1 },
  targetShape: { height: 32, width: 32, channels: 3 },
  inputChannels: ["luma"],
  description:
    "CIFAR-10 colourisation: BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B (1 channel) → the RGB image",
  trivial: "the luma replicated to R, G and B (the grey image)",
};

/**
 * The luma of one RGB uint8 pixel in [−1, 1]: Y computed in [0, 1] from the
 * bytes, then 2Y − 1.
 *
 * @param r Red byte.
 * @param g Green byte.
 * @param b Blue byte.
 * @returns The luma in [−1, 1].
 * @example
 * ```ts
 * import { lumaUnit } from "./colorize.ts";
 * lumaUnit(255, 0, 0); // 2 × 0.299 − 1 = −0.402
 * ```
 */
export function lumaUnit(r: number, g: number, b: number): number {
  const [wr, wg, wb] = LUMA_WEIGHTS;
  return 2 * ((wr * r + wg * g + wb * b) / 255) - 1;
}

/**
 * Writes one colourisation pair.
 *
 * @param src One 32×32×3 image, HWC uint8.
 * @param input Its luma, 32×32×1.
 * @param target Its RGB image in [−1, 1], 32×32×3.
 */
export function writeColorizePair(
  src: Uint8Array,
  input: Float32Array,
  target: Float32Array,
): void {
  for (let p = 0; p < input.length; p++) {
    input[p] = lumaUnit(src[3 * p], src[3 * p + 1], src[3 * p + 2]);
  }
  writeTarget(src, target);
}

/**
 * The colourisation pairs of CIFAR-10 (lazy: pairs are made per batch).
 *
 * @param dataset CIFAR-10 (or a 32×32×3 `synthetic` stand-in).
 * @returns The paired data set.
 * @example
 * ```ts
 * import { loadSynthetic } from "../synthetic.ts";
 * import { buildColorize } from "./colorize.ts";
 * const ds = loadSynthetic({ size: 32, channels: 3, trainCount: 8, testCount: 4 });
 * const batch = buildColorize(ds).test.batch([0, 1]);
 * batch.input.length; // 2 × 32 × 32 × 1
 * ```
 */
export function buildColorize(dataset: Dataset): PairedDataset {
  checkSource(COLORIZE_TASK, dataset);
  return pairedDataset(COLORIZE_TASK, dataset, writeColorizePair);
}

/**
 * 4× super-resolution of CIFAR-10: the 8×8 area downsample, shown at 32×32
 * by nearest-neighbour upsampling, in; the 32×32 image out.
 *
 * @module
 */
import type { Dataset } from "../types.ts";
import { checkSource, pairedDataset, unit, writeTarget } from "./_paired.ts";
import type { PairedDataset, PairTask } from "./types.ts";

/** The downsampling factor: 32×32 → 8×8. */
export const SUPERRES_FACTOR = 4;

/** The super-resolution task: 8×8 (nearest-upsampled to 32×32) → 32×32 RGB. */
export const SUPERRES_TASK: PairTask = {
  id: "superres4-cifar10",
  source: "cifar10",
  inputShape: { height: 32, width: 32, channels: 3 },
  targetShape: { height: 32, width: 32, channels: 3 },
  inputChannels: ["r", "g", "b"],
  description:
    "CIFAR-10 4× super-resolution: the 8×8 area downsample (mean of each 4×4 block), nearest-upsampled back to 32×32 → the RGB image",
  trivial:
    "bilinear upsampling of the 8×8 (half-pixel centres, edges clamped) to 32×32",
};

/**
 * Writes one super-resolution pair: each 4×4 block of the input holds the
 * block's mean, per channel (the 8×8 area downsample, nearest-upsampled).
 *
 * @param src One 32×32×3 image, HWC uint8.
 * @param input The block-mean image, 32×32×3.
 * @param target The image in [−1, 1], 32×32×3.
 * @example
 * ```ts
 * import { writeSuperresPair } from "./superres.ts";
 * const src = new Uint8Array(32 * 32 * 3).fill(51);
 * const input = new Float32Array(src.length);
 * const target = new Float32Array(src.length);
 * writeSuperresPair(src, input, target); // input[0] = 51 / 127.5 − 1 = −0.6
 * ```
 */
export function writeSuperresPair(
  src: Uint8Array,
  input: Float32Array,
  target: Float32Array,
): void {
  const { height: h, width: w, channels: c } = SUPERRES_TASK.targetShape;
  const f = SUPERRES_FACTOR;
  for (let by = 0; by < h / f; by++) {
    for (let bx = 0; bx < w / f; bx++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let y = by * f; y < (by + 1) * f; y++) {
          for (let x = bx * f; x < (bx + 1) * f; x++) {
            sum += src[(y * w + x) * c + ch];
          }
        }
        const mean = unit(sum / (f * f));
        for (let y = by * f; y < (by + 1) * f; y++) {
          for (let x = bx * f; x < (bx + 1) * f; x++) {
            input[(y * w + x) * c + ch] = mean;
          }
        }
      }
    }
  }
  writeTarget(src, target);
}

/**
 * The 4× super-resolution pairs of CIFAR-10 (lazy: pairs are made per batch).
 *
 * @param dataset CIFAR-10 (or a 32×32×3 `synthetic` stand-in).
 * @returns The paired data set.
 * @example
 * ```ts
 * import { loadSynthetic } from "../synthetic.ts";
 * import { buildSuperres } from "./superres.ts";
 * const ds = loadSynthetic({ size: 32, channels: 3, trainCount: 8, testCount: 4 });
 * const batch = buildSuperres(ds).train.batch([5]);
 * batch.input.length; // 32 × 32 × 3
 * ```
 */
export function buildSuperres(dataset: Dataset): PairedDataset {
  checkSource(SUPERRES_TASK, dataset);
  return pairedDataset(SUPERRES_TASK, dataset, writeSuperresPair);
}

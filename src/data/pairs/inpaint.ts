/**
 * Centre inpainting of MNIST: the digit with a 12×12 centre square blanked,
 * plus a mask channel, in; the whole digit out.
 *
 * @module
 */
import type { Dataset } from "../types.ts";
import { checkSource, pairedDataset, unit, writeTarget } from "./_paired.ts";
import type { PairedDataset, PairTask } from "./types.ts";

/**
 * The hole: rows and columns `top … top + size − 1` and
 * `left … left + size − 1` (8 … 19 of 28: centred).
 */
export const INPAINT_HOLE: {
  readonly top: number;
  readonly left: number;
  readonly size: number;
} = { top: 8, left: 8, size: 12 };

/**
 * The value of the hole's pixels in the input: 0, the middle of [−1, 1] —
 * neither MNIST's background (−1) nor its strokes (+1).
 */
export const INPAINT_FILL = 0;

/** The inpainting task: masked 28×28 digit + mask → the 28×28 digit. */
export const INPAINT_TASK: PairTask = {
  id: "inpaint-mnist",
  source: "mnist",
  inputShape: { height: 28, width: 28, channels: 2 },
  targetShape: { height: 28, width: 28, channels: 1 },
  inputChannels: ["masked", "mask"],
  description:
    "MNIST centre inpainting: the digit with rows/cols 8…19 (12×12) set to 0, plus a mask channel (1 in the hole, 0 outside) → the whole digit",
  trivial:
    "the input outside the hole; inside, the mean of the train targets' hole pixels (one scalar from the train split)",
};

/**
 * Whether pixel (y, x) lies in the hole.
 *
 * @param y Row.
 * @param x Column.
 * @returns True inside {@linkcode INPAINT_HOLE}.
 * @example
 * ```ts
 * import { inHole } from "./inpaint.ts";
 * inHole(8, 19); // true
 * inHole(7, 19); // false
 * ```
 */
export function inHole(y: number, x: number): boolean {
  const { top, left, size } = INPAINT_HOLE;
  return y >= top && y < top + size && x >= left && x < left + size;
}

/**
 * Writes one inpainting pair: input channel 0 is the digit with the hole
 * set to {@linkcode INPAINT_FILL}, channel 1 the mask.
 *
 * @param src One 28×28×1 image, uint8.
 * @param input The masked digit and the mask, 28×28×2 (HWC).
 * @param target The digit in [−1, 1], 28×28×1.
 */
export function writeInpaintPair(
  src: Uint8Array,
  input: Float32Array,
  target: Float32Array,
): void {
  const w = INPAINT_TASK.targetShape.width;
  for (let p = 0; p < src.length; p++) {
    const hole = inHole(Math.floor(p / w), p % w);
    input[2 * p] = hole ? INPAINT_FILL : unit(src[p]);
    input[2 * p + 1] = hole ? 1 : 0;
  }
  writeTarget(src, target);
}

/**
 * The mean pixel value inside the hole over a split's images, in [−1, 1]
 * (the byte sum is exact in float64 up to 2⁵³ / 255 pixels).
 *
 * @param images 28×28×1 uint8 images, NHWC.
 * @param count The number of images.
 * @returns The mean, or 0 for no images.
 */
export function holeMean(images: Uint8Array, count: number): number {
  const { height: h, width: w } = INPAINT_TASK.targetShape;
  const { top, left, size } = INPAINT_HOLE;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    for (let y = top; y < top + size; y++) {
      const row = (i * h + y) * w;
      for (let x = left; x < left + size; x++) sum += images[row + x];
    }
  }
  return count === 0 ? 0 : unit(sum / (count * size * size));
}

/**
 * The centre-inpainting pairs of MNIST (lazy: pairs are made per batch);
 * the hole mean for the trivial answer comes from the train split only.
 *
 * @param dataset MNIST (or a 28×28×1 `synthetic` stand-in).
 * @returns The paired data set, `stats.holeMean` set.
 * @example
 * ```ts
 * import { loadSynthetic } from "../synthetic.ts";
 * import { buildInpaint } from "./inpaint.ts";
 * const ds = loadSynthetic({ size: 28, trainCount: 8, testCount: 4 });
 * const pairs = buildInpaint(ds);
 * pairs.test.batch([0]).input.length; // 28 × 28 × 2
 * ```
 */
export function buildInpaint(dataset: Dataset): PairedDataset {
  checkSource(INPAINT_TASK, dataset);
  return pairedDataset(INPAINT_TASK, dataset, writeInpaintPair, {
    holeMean: holeMean(dataset.train.images, dataset.train.count),
  });
}

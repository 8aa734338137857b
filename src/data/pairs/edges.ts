/**
 * Edges → Fashion-MNIST (edges2shoes in miniature): a binary Sobel edge map
 * in, the grey garment out.
 *
 * @module
 */
import type { Dataset } from "../types.ts";
import { checkSource, pairedDataset, unit, writeTarget } from "./_paired.ts";
import type { PairedDataset, PairTask } from "./types.ts";

/**
 * The Sobel magnitude (intensities in [0, 1]; a full black-to-white step
 * gives 4) at or above which a pixel is an edge.
 */
export const EDGE_THRESHOLD = 1;

/** The edges task: binary 28×28 edge map → the 28×28 Fashion-MNIST image. */
export const EDGES_TASK: PairTask = {
  id: "edges2fashion",
  source: "fashion",
  inputShape: { height: 28, width: 28, channels: 1 },
  targetShape: { height: 28, width: 28, channels: 1 },
  inputChannels: ["edges"],
  description:
    `Fashion-MNIST from edges: Sobel magnitude (3×3, borders replicated, intensities in [0, 1]) ≥ ${EDGE_THRESHOLD} → +1, else −1 → the grey image`,
  trivial:
    "the per-pixel mean of the train targets (one image from the train split, the same for every input)",
};

/**
 * The Sobel gradient magnitude of one grey image, borders replicated,
 * intensities taken as byte / 255.
 *
 * @param src One grey image, uint8, `height × width`.
 * @param height Rows.
 * @param width Columns.
 * @returns The magnitude per pixel (0 … 4√2).
 * @example
 * ```ts
 * import { sobelMagnitude } from "./edges.ts";
 * // a vertical black|white step: 4 at the two columns next to it
 * const img = new Uint8Array(16).map((_, i) => (i % 4 >= 2 ? 255 : 0));
 * sobelMagnitude(img, 4, 4)[1]; // 4
 * ```
 */
export function sobelMagnitude(
  src: Uint8Array,
  height: number,
  width: number,
): Float64Array {
  const out = new Float64Array(height * width);
  const at = (y: number, x: number) => {
    const yy = y < 0 ? 0 : y >= height ? height - 1 : y;
    const xx = x < 0 ? 0 : x >= width ? width - 1 : x;
    return src[yy * width + xx] / 255;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const gx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) -
        at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
      const gy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) -
        at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
      out[y * width + x] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}

/**
 * Writes one edges pair: +1 where the Sobel magnitude reaches
 * {@linkcode EDGE_THRESHOLD}, −1 elsewhere.
 *
 * @param src One 28×28×1 image, uint8.
 * @param input The edge map, 28×28×1.
 * @param target The image in [−1, 1], 28×28×1.
 */
export function writeEdgesPair(
  src: Uint8Array,
  input: Float32Array,
  target: Float32Array,
): void {
  const { height, width } = EDGES_TASK.targetShape;
  const mag = sobelMagnitude(src, height, width);
  for (let p = 0; p < mag.length; p++) {
    input[p] = mag[p] >= EDGE_THRESHOLD ? 1 : -1;
  }
  writeTarget(src, target);
}

/**
 * The per-pixel mean of a split's images, in [−1, 1].
 *
 * @param images Grey uint8 images, NHWC.
 * @param count The number of images.
 * @param size Pixels per image.
 * @returns One image (zeros for no images).
 */
export function meanImage(
  images: Uint8Array,
  count: number,
  size: number,
): Float32Array {
  const sums = new Float64Array(size);
  for (let i = 0; i < count; i++) {
    const base = i * size;
    for (let p = 0; p < size; p++) sums[p] += images[base + p];
  }
  const out = new Float32Array(size);
  if (count > 0) {
    for (let p = 0; p < size; p++) {
      out[p] = unit(sums[p] / count);
    }
  }
  return out;
}

/**
 * The edges → image pairs of Fashion-MNIST (lazy: pairs are made per
 * batch); the mean image for the trivial answer comes from the train split.
 *
 * @param dataset Fashion-MNIST (or a 28×28×1 `synthetic` stand-in).
 * @returns The paired data set, `stats.meanImage` set.
 * @example
 * ```ts
 * import { loadSynthetic } from "../synthetic.ts";
 * import { buildEdges } from "./edges.ts";
 * const ds = loadSynthetic({ size: 28, trainCount: 8, testCount: 4 });
 * buildEdges(ds).train.batch([0, 1]).input.length; // 2 × 28 × 28
 * ```
 */
export function buildEdges(dataset: Dataset): PairedDataset {
  checkSource(EDGES_TASK, dataset);
  const size = 28 * 28;
  return pairedDataset(EDGES_TASK, dataset, writeEdgesPair, {
    meanImage: meanImage(dataset.train.images, dataset.train.count, size),
  });
}

/**
 * Each task's trivial answer: what a model that learned nothing beyond the
 * input (and one train-split constant) would output. Its PSNR/SSIM against
 * the targets is the reference row of a translation table, the way
 * `fid_floor` anchors FID. Every answer is float32 NHWC in [−1, 1], in the
 * target's shape, made from the batch's inputs only (never its targets).
 *
 * @module
 */
import { pixels } from "./_paired.ts";
import { SUPERRES_FACTOR } from "./superres.ts";
import type { PairBatch, PairTrainStats } from "./types.ts";

function checkBatch(batch: PairBatch, task: PairBatch["task"]): void {
  if (batch.task !== task) {
    throw new Error(
      `trivial answer of ${task}: got a batch of ${batch.task}`,
    );
  }
}

/**
 * Colourisation: the luma replicated to R, G and B (the grey image).
 *
 * @param batch A `colorize-cifar10` batch.
 * @returns `count × 32 × 32 × 3` values.
 */
export function trivialColorize(batch: PairBatch): Float32Array {
  checkBatch(batch, "colorize-cifar10");
  const n = batch.count * pixels(batch.inputShape);
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const y = batch.input[p];
    out[3 * p] = y;
    out[3 * p + 1] = y;
    out[3 * p + 2] = y;
  }
  return out;
}

/**
 * Bilinear upsampling by an integer factor with half-pixel centres and
 * clamped edges (`align_corners = false`, as `tf.image.resizeBilinear` with
 * `halfPixelCenters` and PyTorch's default).
 *
 * @param low NHWC images, `count × h × w × c`.
 * @param count The number of images.
 * @param shape `[h, w, c]` of one low-resolution image.
 * @param factor The integer scale factor.
 * @returns `count × (h·factor) × (w·factor) × c` values.
 * @example
 * ```ts
 * import { bilinearUpsample } from "./trivial.ts";
 * // 1×2 → 2×4: the row [0, 1] becomes [0, 0.25, 0.75, 1], twice
 * bilinearUpsample(new Float32Array([0, 1]), 1, [1, 2, 1], 2);
 * ```
 */
export function bilinearUpsample(
  low: Float32Array,
  count: number,
  shape: [number, number, number],
  factor: number,
): Float32Array {
  const [h, w, c] = shape;
  const H = h * factor;
  const W = w * factor;
  const out = new Float32Array(count * H * W * c);
  // source coordinate of output pixel i: (i + 0.5) / factor − 0.5, clamped
  const taps = (size: number, i: number): [number, number, number] => {
    const s = Math.min(Math.max((i + 0.5) / factor - 0.5, 0), size - 1);
    const i0 = Math.floor(s);
    return [i0, Math.min(i0 + 1, size - 1), s - i0];
  };
  for (let n = 0; n < count; n++) {
    const base = n * h * w * c;
    for (let Y = 0; Y < H; Y++) {
      const [y0, y1, fy] = taps(h, Y);
      for (let X = 0; X < W; X++) {
        const [x0, x1, fx] = taps(w, X);
        for (let ch = 0; ch < c; ch++) {
          const v = (y: number, x: number) => low[base + (y * w + x) * c + ch];
          const top = v(y0, x0) * (1 - fx) + v(y0, x1) * fx;
          const bottom = v(y1, x0) * (1 - fx) + v(y1, x1) * fx;
          out[((n * H + Y) * W + X) * c + ch] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
  return out;
}

/**
 * Super-resolution: bilinear upsampling of the 8×8 (read back from the
 * nearest-upsampled input; bilinear beats the input's nearest blocks on
 * smooth images).
 *
 * @param batch A `superres4-cifar10` batch.
 * @returns `count × 32 × 32 × 3` values.
 */
export function trivialSuperres(batch: PairBatch): Float32Array {
  checkBatch(batch, "superres4-cifar10");
  const { height: H, width: W, channels: c } = batch.inputShape;
  const f = SUPERRES_FACTOR;
  const h = H / f;
  const w = W / f;
  const low = new Float32Array(batch.count * h * w * c);
  for (let n = 0; n < batch.count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          low[((n * h + y) * w + x) * c + ch] =
            batch.input[((n * H + y * f) * W + x * f) * c + ch];
        }
      }
    }
  }
  return bilinearUpsample(low, batch.count, [h, w, c], f);
}

/**
 * Inpainting: the input outside the hole; inside (mask 1), the train
 * split's mean hole pixel.
 *
 * @param batch An `inpaint-mnist` batch.
 * @param stats Its paired data set's stats (`holeMean`).
 * @returns `count × 28 × 28 × 1` values.
 */
export function trivialInpaint(
  batch: PairBatch,
  stats: PairTrainStats,
): Float32Array {
  checkBatch(batch, "inpaint-mnist");
  if (stats.holeMean === undefined) {
    throw new Error("trivial answer of inpaint-mnist: stats.holeMean missing");
  }
  const n = batch.count * pixels(batch.inputShape);
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const masked = batch.input[2 * p + 1] === 1;
    out[p] = masked ? stats.holeMean : batch.input[2 * p];
  }
  return out;
}

/**
 * Edges: the train split's per-pixel mean image, for every input.
 *
 * @param batch An `edges2fashion` batch.
 * @param stats Its paired data set's stats (`meanImage`).
 * @returns `count × 28 × 28 × 1` values.
 */
export function trivialEdges(
  batch: PairBatch,
  stats: PairTrainStats,
): Float32Array {
  checkBatch(batch, "edges2fashion");
  const mean = stats.meanImage;
  const size = pixels(batch.targetShape) * batch.targetShape.channels;
  if (mean === undefined || mean.length !== size) {
    throw new Error(
      `trivial answer of edges2fashion: stats.meanImage missing or not ${size} values`,
    );
  }
  const out = new Float32Array(batch.count * size);
  for (let n = 0; n < batch.count; n++) out.set(mean, n * size);
  return out;
}

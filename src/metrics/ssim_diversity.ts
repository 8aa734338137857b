/**
 * ssim_div / ssim_div_real: mean SSIM over random pairs of images.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { mulberry32 } from "../util/random.ts";
import { ssim } from "./ssim.ts";

/** Options of {@linkcode ssimDiversity}. */
export interface SsimDiversityOptions {
  /** Number of random pairs (default 1000). */
  pairs?: number;
  /** Seed of the pair sampler (default 0). */
  seed?: number;
  /** Class of each image: pairs are then drawn within a class. */
  labels?: ArrayLike<number>;
}

/**
 * The pairs {@linkcode ssimDiversity} uses, exactly: one mulberry32(seed)
 * stream; per pair, i = ⌊rng()·M⌋ over the M eligible images (all images,
 * or with labels those whose class has ≥ 2 members, in index order), then
 * j = ⌊rng()·(K−1)⌋ over the K candidates (all images, or those of i's
 * class, in index order) with i's own position skipped, so i ≠ j.
 *
 * @param n Number of images (≥ 2).
 * @param pairs Number of pairs.
 * @param seed Seed of the generator.
 * @param labels Optional class of each image.
 * @returns The first and second image index of each pair.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diversityPairs } from "./ssim_diversity.ts";
 * const { first, second } = diversityPairs(10, 5, 0);
 * assert.equal(first.length, 5);
 * first.forEach((i, k) => assert.notEqual(i, second[k])); // distinct images
 * // With labels, both images of a pair share a class.
 * const labels = [0, 1, 0, 1, 0, 1];
 * const same = diversityPairs(6, 20, 0, labels);
 * same.first.forEach((i, k) => assert.equal(labels[i], labels[same.second[k]]));
 * ```
 */
export function diversityPairs(
  n: number,
  pairs: number,
  seed: number,
  labels?: ArrayLike<number>,
): { first: Int32Array; second: Int32Array } {
  const metric = "ssimDiversity";
  if (labels && labels.length !== n) {
    throw new Error(`${metric}: got ${labels.length} labels for ${n} images`);
  }
  // Candidate lists: one group of all images, or one per class.
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = labels ? labels[i] : 0;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) {
    if (groups.get(labels ? labels[i] : 0)!.length >= 2) eligible.push(i);
  }
  if (eligible.length === 0) {
    throw new Error(
      `${metric}: no two images ${
        labels ? "share a class" : "to pair"
      } (n = ${n})`,
    );
  }
  const rng = mulberry32(seed);
  const first = new Int32Array(pairs);
  const second = new Int32Array(pairs);
  const position = new Int32Array(n);
  for (const members of groups.values()) {
    members.forEach((img, k) => position[img] = k);
  }
  for (let k = 0; k < pairs; k++) {
    const i = eligible[Math.floor(rng() * eligible.length)];
    const members = groups.get(labels ? labels[i] : 0)!;
    let t = Math.floor(rng() * (members.length - 1));
    if (t >= position[i]) t++;
    first[k] = i;
    second[k] = members[t];
  }
  return { first, second };
}

/**
 * Mean SSIM (data range 1) over random pairs of distinct images, drawn as
 * in {@linkcode diversityPairs} (same class when labels are given). High
 * values relative to real images signal mode collapse (Odena et al. 2017).
 *
 * @param images `[N, H, W, C]` images in [0, 1] (not disposed).
 * @param options Pairs, seed and optional labels.
 * @returns The mean SSIM over the pairs.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { ssimDiversity } from "./ssim_diversity.ts";
 * await tf.ready();
 * const same = tf.ones([8, 16, 16, 1]) as tf.Tensor4D;
 * const value = await ssimDiversity(same, { pairs: 10, seed: 1 });
 * assert.ok(Math.abs(value - 1) < 1e-6); // identical images: collapsed
 * same.dispose();
 * ```
 */
export async function ssimDiversity(
  images: tf.Tensor4D,
  options: SsimDiversityOptions = {},
): Promise<number> {
  if (images.rank !== 4) {
    throw new Error(
      `ssimDiversity: images must be NHWC 4-D, got shape [${images.shape}]`,
    );
  }
  const pairs = options.pairs ?? 1000;
  if (!(Number.isInteger(pairs) && pairs >= 1)) {
    throw new Error(
      `ssimDiversity: pairs must be a positive integer, got ${pairs}`,
    );
  }
  const { first, second } = diversityPairs(
    images.shape[0],
    pairs,
    options.seed ?? 0,
    options.labels,
  );
  const [a, b] = tf.tidy(() => [
    tf.gather(images, tf.tensor1d(first, "int32")),
    tf.gather(images, tf.tensor1d(second, "int32")),
  ]) as [tf.Tensor4D, tf.Tensor4D];
  try {
    const values = await ssim(a, b);
    return values.reduce((x, y) => x + y, 0) / values.length;
  } finally {
    tf.dispose([a, b]);
  }
}

/**
 * Nearest neighbours in pixel space and psnr_nn / ssim_nn: pixel closeness
 * of fakes to a train subset (not a quality or memorisation measure; see
 * nearest_train.ts for the memorisation test).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { psnr } from "./psnr.ts";
import { ssim } from "./ssim.ts";

/** Options of {@linkcode nearestNeighbours}. */
export interface NearestOptions {
  /** Queries per matMul chunk (default 256). */
  chunkSize?: number;
}

/**
 * For each query image (flattened), the index of the nearest pool image in
 * L2, via argmin_p (‖p‖² − 2 q·p) with tf.matMul in chunks of queries
 * (‖q‖² does not change the argmin). Distances are float32 on the current
 * backend; exact ties resolve to the lowest index.
 *
 * @param queries `[Q, …]` images (any rank ≥ 2, not disposed).
 * @param pool `[P, …]` images with the same per-image size (not disposed).
 * @param options Chunk size.
 * @returns Q indices into the pool.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { nearestNeighbours } from "./nearest.ts";
 * await tf.ready();
 * const pool = tf.tensor2d([[0, 0], [1, 1], [5, 5]]);
 * const q = tf.tensor2d([[4, 4.5], [0.2, 0]]);
 * assert.deepEqual(Array.from(await nearestNeighbours(q, pool)), [2, 0]);
 * tf.dispose([pool, q]);
 * ```
 */
export async function nearestNeighbours(
  queries: tf.Tensor,
  pool: tf.Tensor,
  options: NearestOptions = {},
): Promise<Int32Array> {
  const metric = "nearestNeighbours";
  const size = (t: tf.Tensor) => t.shape.slice(1).reduce((x, y) => x * y, 1);
  if (queries.rank < 2 || pool.rank < 2 || size(queries) !== size(pool)) {
    throw new Error(
      `${metric}: queries and pool must be [N, …] batches of equal image size, got shapes [${queries.shape}] and [${pool.shape}]`,
    );
  }
  const chunkSize = options.chunkSize ?? 256;
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new Error(
      `${metric}: chunkSize must be a positive integer, got ${chunkSize}`,
    );
  }
  const q = queries.shape[0];
  const p = pool.shape[0];
  if (p === 0) throw new Error(`${metric}: the pool is empty`);
  const out = new Int32Array(q);
  const dim = size(pool);
  const [flatPool, poolNorms] = tf.tidy(() => {
    const fp = tf.reshape(tf.cast(pool, "float32"), [p, dim]) as tf.Tensor2D;
    return [fp, tf.sum(tf.square(fp), 1)];
  });
  try {
    for (let start = 0; start < q; start += chunkSize) {
      const n = Math.min(chunkSize, q - start);
      const idx = tf.tidy(() => {
        const fq = tf.reshape(
          tf.cast(tf.slice(queries, start, n), "float32"),
          [n, dim],
        ) as tf.Tensor2D;
        const dots = tf.matMul(fq, flatPool, false, true);
        return tf.argMin(tf.sub(poolNorms, tf.mul(dots, 2)), 1);
      });
      out.set(await idx.data(), start);
      idx.dispose();
    }
  } finally {
    tf.dispose([flatPool, poolNorms]);
  }
  return out;
}

/** Output of {@linkcode psnrSsimNearest}. */
export interface NearestFidelity {
  /** Mean PSNR (dB) between each query and its neighbour (psnr_nn); Infinity if any is an exact copy. */
  psnr: number;
  /** Mean SSIM between each query and its neighbour (ssim_nn). */
  ssim: number;
  /** The neighbour index of each query. */
  indices: Int32Array;
}

/**
 * psnr_nn / ssim_nn: for each generated image, its nearest pool image (L2,
 * pixel space, {@linkcode nearestNeighbours}); mean PSNR and mean SSIM
 * (data range 1) between each image and its neighbour. Images in [0, 1].
 *
 * @param fakes `[Q, H, W, C]` generated images in [0, 1] (not disposed).
 * @param pool `[P, H, W, C]` real images in [0, 1] (not disposed).
 * @param options Chunk size of the neighbour search.
 * @returns Mean PSNR, mean SSIM and the neighbour indices.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { psnrSsimNearest } from "./nearest.ts";
 * await tf.ready();
 * const pool = tf.randomUniform([20, 16, 16, 1], 0, 1, "float32", 1) as tf.Tensor4D;
 * const fakes = tf.slice(pool, 3, 2) as tf.Tensor4D; // exact copies
 * const r = await psnrSsimNearest(fakes, pool);
 * assert.deepEqual(Array.from(r.indices), [3, 4]);
 * assert.ok(Math.abs(r.ssim - 1) < 1e-6);
 * assert.equal(r.psnr, Infinity);
 * tf.dispose([pool, fakes]);
 * ```
 */
export async function psnrSsimNearest(
  fakes: tf.Tensor4D,
  pool: tf.Tensor4D,
  options: NearestOptions = {},
): Promise<NearestFidelity> {
  if (fakes.rank !== 4 || pool.rank !== 4) {
    throw new Error(
      `nearestNeighbours: fakes and pool must be NHWC 4-D tensors, got shapes [${fakes.shape}] and [${pool.shape}]`,
    );
  }
  const indices = await nearestNeighbours(fakes, pool, options);
  const neighbours = tf.tidy(() =>
    tf.gather(pool, tf.tensor1d(indices, "int32"))
  ) as tf.Tensor4D;
  try {
    const p = await psnr(fakes, neighbours);
    const s = await ssim(fakes, neighbours);
    const avg = (v: Float64Array) => v.reduce((x, y) => x + y, 0) / v.length;
    return { psnr: avg(p), ssim: avg(s), indices };
  } finally {
    neighbours.dispose();
  }
}

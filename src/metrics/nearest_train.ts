/**
 * Exact nearest-neighbour distances of queries to a large pool (a whole
 * training split), and the copy rate built on them: the share of queries
 * closer to their nearest pool row than a threshold taken from a
 * reference distribution (held-out real images' own nearest distances).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * A pool too large to hold at once, made chunk by chunk: rows
 * `start … end−1` as a `[end − start, dim]` float32 tensor (disposed by the
 * reader).
 */
export interface PoolSource {
  /** Pool rows. */
  count: number;
  /** Makes rows `start … end−1`. */
  rows(start: number, end: number): tf.Tensor2D;
  /** Makes the rows at these indices (optional; else row by row). */
  at?(indices: Int32Array): tf.Tensor2D;
}

/** Options of {@linkcode nearestDistances}. */
export interface NearestDistanceOptions {
  /** Pool rows per chunk (default 4096). */
  poolChunk?: number;
  /** Queries per matMul (default 1024). */
  queryChunk?: number;
}

/** Output of {@linkcode nearestDistances}. */
export interface NearestDistances {
  /** Euclidean distance of each query to its nearest pool row. */
  distances: Float32Array;
  /** Index of that pool row (exact ties: the lowest index). */
  indices: Int32Array;
}

/**
 * For each query row, the Euclidean distance to its nearest pool row and
 * that row's index, over the whole pool: d² = ‖q‖² + ‖p‖² − 2 q·p with
 * `tf.matMul` per (pool chunk, query chunk), a running minimum kept on the
 * backend, and one read-back at the end; the distance to the chosen row is
 * then recomputed directly (an exact copy scores 0). The search is float32:
 * two rows whose distances differ by less than its rounding may swap.
 *
 * @param queries `[Q, …]` queries, flattened per row (not disposed).
 * @param pool A `[P, …]` tensor with the same per-row size (not disposed),
 *   or a {@linkcode PoolSource} that makes it chunk by chunk.
 * @param options Chunk sizes.
 * @returns Distances and indices, one per query.
 * @throws Error when the pool is empty, sizes differ or a chunk is invalid.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { nearestDistances } from "./nearest_train.ts";
 * await tf.ready();
 * const pool = tf.tensor2d([[0, 0], [3, 4], [10, 10]]);
 * const q = tf.tensor2d([[3, 4], [1, 0]]);
 * const { distances, indices } = await nearestDistances(q, pool, { poolChunk: 2 });
 * assert.deepEqual(Array.from(indices), [1, 0]);
 * assert.ok(Math.abs(distances[1] - 1) < 1e-5);
 * tf.dispose([pool, q]);
 * ```
 */
export async function nearestDistances(
  queries: tf.Tensor,
  pool: tf.Tensor | PoolSource,
  options: NearestDistanceOptions = {},
): Promise<NearestDistances> {
  const where = "nearestDistances";
  const source = pool instanceof tf.Tensor ? tensorSource(pool) : pool;
  const poolChunk = options.poolChunk ?? 4096;
  const queryChunk = options.queryChunk ?? 1024;
  for (
    const [name, v] of [["poolChunk", poolChunk], [
      "queryChunk",
      queryChunk,
    ]] as const
  ) {
    if (!(Number.isInteger(v) && v > 0)) {
      throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
    }
  }
  if (queries.rank < 2) {
    throw new Error(
      `${where}: queries must be an [N, …] batch, got shape [${queries.shape}]`,
    );
  }
  if (source.count === 0) throw new Error(`${where}: the pool is empty`);
  const q = queries.shape[0];
  const dim = queries.size / Math.max(q, 1);
  // d² = ‖q‖² + [q, 1]·[−2p, ‖p‖²]: the norms ride in the matMul, so each
  // (query, pool row) entry costs no broadcast pass; ‖q‖² is added after the
  // minimum, and the winners' distances are recomputed exactly at the end.
  const flatQ = tf.tidy(() =>
    tf.reshape(tf.cast(queries, "float32"), [q, dim]) as tf.Tensor2D
  );
  const augQ = tf.tidy(() => tf.concat([flatQ, tf.ones([q, 1])], 1));
  let best = tf.fill([q], Infinity) as tf.Tensor1D;
  let bestIdx = tf.zeros([q], "int32") as tf.Tensor1D;
  try {
    for (let start = 0; start < source.count; start += poolChunk) {
      const end = Math.min(source.count, start + poolChunk);
      const rows = source.rows(start, end);
      checkRows(rows, start, end, dim);
      const [nextBest, nextIdx] = tf.tidy(() => {
        const augP = tf.concat([
          tf.mul(rows, -2),
          tf.sum(tf.square(rows), 1, true),
        ], 1);
        const mins: tf.Tensor[] = [];
        const args: tf.Tensor[] = [];
        for (let s = 0; s < q; s += queryChunk) {
          const n = Math.min(queryChunk, q - s);
          const part = tf.matMul(
            tf.slice(augQ, [s, 0], [n, dim + 1]),
            augP,
            false,
            true,
          );
          mins.push(tf.min(part, 1));
          args.push(tf.argMin(part, 1));
        }
        const chunkMin = tf.concat(mins);
        const better = tf.less(chunkMin, best);
        return [
          tf.where(better, chunkMin, best),
          tf.where(better, tf.add(tf.concat(args), start), bestIdx),
        ];
      });
      rows.dispose();
      tf.dispose([best, bestIdx]);
      best = nextBest as tf.Tensor1D;
      bestIdx = nextIdx as tf.Tensor1D;
    }
    const indices = await bestIdx.data() as Int32Array;
    return { distances: await exactDistances(flatQ, source, indices), indices };
  } finally {
    tf.dispose([flatQ, augQ, best, bestIdx]);
  }
}

/** Throws unless a pool chunk is `[end − start, dim]`. */
function checkRows(rows: tf.Tensor, start: number, end: number, dim: number) {
  if (
    rows.rank !== 2 || rows.shape[1] !== dim || rows.shape[0] !== end - start
  ) {
    const shape = `[${rows.shape}]`;
    rows.dispose();
    throw new Error(
      `nearestDistances: pool rows ${start}…${
        end - 1
      } have shape ${shape}, expected [${end - start}, ${dim}]`,
    );
  }
}

/** ‖q − p‖ of each query and its chosen pool row, without cancellation. */
async function exactDistances(
  flatQ: tf.Tensor2D,
  source: PoolSource,
  indices: Int32Array,
): Promise<Float32Array> {
  const rows = source.at
    ? source.at(indices)
    : tf.tidy(() =>
      tf.concat(Array.from(indices, (i) => source.rows(i, i + 1)))
    );
  const dist = tf.tidy(() =>
    tf.sqrt(tf.sum(tf.square(tf.sub(flatQ, rows)), 1))
  );
  rows.dispose();
  const out = await dist.data() as Float32Array;
  dist.dispose();
  return out;
}

/** A tensor pool as a {@linkcode PoolSource} (rows sliced, flattened). */
function tensorSource(pool: tf.Tensor): PoolSource {
  if (pool.rank < 2) {
    throw new Error(
      `nearestDistances: the pool must be an [N, …] batch, got shape [${pool.shape}]`,
    );
  }
  const count = pool.shape[0];
  const dim = pool.size / Math.max(count, 1);
  const flat = (t: tf.Tensor, n: number) =>
    tf.reshape(tf.cast(t, "float32"), [n, dim]) as tf.Tensor2D;
  return {
    count,
    at: (indices) =>
      tf.tidy(() =>
        flat(tf.gather(pool, tf.tensor1d(indices, "int32")), indices.length)
      ),
    rows: (start, end) =>
      tf.tidy(() =>
        tf.reshape(
          tf.cast(tf.slice(pool, start, end - start), "float32"),
          [end - start, dim],
        ) as tf.Tensor2D
      ),
  };
}

/**
 * The q-quantile of values, linear between order statistics (numpy's
 * default): position q·(n − 1) of the sorted values.
 *
 * @param values The sample (not modified).
 * @param q The level, in [0, 1].
 * @returns The quantile.
 * @throws Error when the sample is empty or q is outside [0, 1].
 * @example
 * ```ts
 * import { quantile } from "./nearest_train.ts";
 * quantile([4, 1, 3, 2], 0.5); // 2.5
 * ```
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error("quantile: the sample is empty");
  if (!(q >= 0 && q <= 1)) {
    throw new Error(`quantile: the level must be in [0, 1], got ${q}`);
  }
  const sorted = Float64Array.from(values).sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The share of distances strictly below a threshold.
 *
 * @param distances Nearest-training distances of the samples.
 * @param threshold The copy threshold (e.g. the 1st percentile of held-out
 *   real images' nearest-training distances).
 * @returns A share in [0, 1].
 * @throws Error when there are no distances.
 * @example
 * ```ts
 * import { copyRate } from "./nearest_train.ts";
 * copyRate([0, 0.5, 2, 3], 1); // 0.5
 * ```
 */
export function copyRate(
  distances: ArrayLike<number>,
  threshold: number,
): number {
  if (distances.length === 0) throw new Error("copyRate: no distances");
  let below = 0;
  for (let i = 0; i < distances.length; i++) {
    if (distances[i] < threshold) below++;
  }
  return below / distances.length;
}

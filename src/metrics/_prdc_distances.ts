/**
 * Distance helpers of precision/recall/density/coverage (private to
 * `prdc.ts`): host copies of features, exact float64 squared distances,
 * centred float32 squared distances on the backend in row chunks, and exact
 * k-th-neighbour radii.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Features as a tensor or as rows of numbers. */
export type FeatureInput = tf.Tensor2D | number[][];

/** The metric's name, first word of every error message. */
export const METRIC = "prdc";
/** Unit roundoff of float32. */
const U = 2 ** -24;
/** Extra float32 neighbour candidates beyond the k-th. */
const MARGIN = 4;
/** Float64 row fallbacks allowed per radius pass, in multiply-adds. */
const FALLBACK_BUDGET = 4e8;

/**
 * Float32 error bound factor of ‖a‖² + ‖b‖² − 2a·b on centred rows: the two
 * norms and the dot product each err by at most γ_d times (‖a‖² + ‖b‖²)
 * (γ_d ≈ d·u, any summation order), the centring adds 4u(‖a‖² + ‖b‖²), the
 * final sums a few u; the result is padded by 10 %.
 *
 * @param d Feature dimension.
 * @returns c such that |d²₃₂ − d²| ≤ c (‖a‖² + ‖b‖²).
 */
export function tolFactor(d: number): number {
  return 1.1 * (2 * d + 16) * U;
}

/** A host copy of features, with its shape. */
export interface Host {
  /** Row-major `[n, d]` values. */
  x: Float32Array;
  /** Rows. */
  n: number;
  /** Columns (feature dimension). */
  d: number;
}

/**
 * Validates a feature input and copies it to the host as float32.
 *
 * @param which `real` or `fake`, for messages.
 * @param input The features.
 * @returns The host copy.
 */
export async function toHost(
  which: string,
  input: FeatureInput,
): Promise<Host> {
  let x: Float32Array;
  let n: number;
  let d: number;
  if (Array.isArray(input)) {
    n = input.length;
    d = n > 0 ? input[0].length : 0;
    x = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      if (!Array.isArray(input[i]) || input[i].length !== d) {
        throw new Error(
          `${METRIC}: ${which} features: row ${i} has ${
            input[i]?.length
          } values, row 0 has ${d}`,
        );
      }
      x.set(input[i], i * d);
    }
  } else {
    if (input.rank !== 2) {
      throw new Error(
        `${METRIC}: ${which} features must be 2-D [N, d], got shape [${input.shape}]`,
      );
    }
    [n, d] = input.shape;
    const t = tf.cast(input, "float32");
    x = new Float32Array(await t.data());
    if (t !== input) t.dispose();
  }
  if (n === 0 || d === 0) {
    throw new Error(`${METRIC}: ${which} features are empty: [${n}, ${d}]`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new Error(
        `${METRIC}: ${which} features hold a non-finite value (${
          x[i]
        }) at row ${Math.floor(i / d)}`,
      );
    }
  }
  return { x, n, d };
}

/**
 * Exact (float64) squared distance between row i of a and row j of b.
 *
 * @param a First set.
 * @param i Row of a.
 * @param b Second set.
 * @param j Row of b.
 * @returns Σ_k (a_ik − b_jk)² in float64.
 */
export function dist2(a: Host, i: number, b: Host, j: number): number {
  const d = a.d;
  const oa = i * d;
  const ob = j * d;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a.x[oa + k] - b.x[ob + k];
    s += t * t;
  }
  return s;
}

/**
 * The rows of both sets centred on the mean of `centre`, on the backend,
 * with their squared norms (host copies, float32 as the backend made them).
 *
 * @param sets Host copies to upload.
 * @param centre Host copy whose mean is subtracted.
 * @returns Centred tensors (caller disposes) and norms.
 */
export async function centred(
  sets: Host[],
  centre: Host,
): Promise<{ tensors: tf.Tensor2D[]; norms: Float32Array[] }> {
  const mean = tf.tidy(() =>
    tf.mean(tf.tensor2d(centre.x, [centre.n, centre.d]), 0)
  );
  const tensors = sets.map((s) =>
    tf.tidy(() => tf.sub(tf.tensor2d(s.x, [s.n, s.d]), mean) as tf.Tensor2D)
  );
  mean.dispose();
  const norms: Float32Array[] = [];
  for (const t of tensors) {
    const sq = tf.tidy(() => tf.sum(tf.square(t), 1));
    norms.push(new Float32Array(await sq.data()));
    sq.dispose();
  }
  return { tensors, norms };
}

/**
 * Float32 squared distances of a row chunk to all rows of `all`.
 *
 * @param all Centred `[P, d]` rows.
 * @param allNorms Their squared norms, `[P]`.
 * @param rows Centred `[c, d]` rows.
 * @param rowNorms Their squared norms, `[c]`.
 * @returns `[c, P]` squared distances (inside a tidy).
 */
export function chunkDist2(
  all: tf.Tensor2D,
  allNorms: tf.Tensor1D,
  rows: tf.Tensor2D,
  rowNorms: tf.Tensor1D,
): tf.Tensor2D {
  const dots = tf.matMul(rows, all, false, true);
  return tf.sub(
    tf.add(tf.expandDims(rowNorms, 1), tf.expandDims(allNorms, 0)),
    tf.mul(dots, 2),
  ) as tf.Tensor2D;
}

/**
 * Validates a chunk size.
 *
 * @param chunkRows The option value, or undefined.
 * @param cols Columns of the distance matrix.
 * @returns The rows per chunk.
 */
export function rowsPerChunk(
  chunkRows: number | undefined,
  cols: number,
): number {
  const c = chunkRows ?? Math.max(1, Math.floor(2 ** 22 / cols));
  if (!(Number.isInteger(c) && c > 0)) {
    throw new Error(
      `${METRIC}: chunkRows must be a positive integer, got ${chunkRows}`,
    );
  }
  return c;
}

/**
 * Exact squared k-th-neighbour radii of every row of a set, for several k.
 *
 * @param set Host copy.
 * @param x Centred rows on the backend.
 * @param norms Their squared norms.
 * @param ks The k values (each < N).
 * @param chunkRows Rows per chunk (option).
 * @returns One Float64Array of squared radii per k, and the rechecks made.
 */
export async function radii(
  set: Host,
  x: tf.Tensor2D,
  norms: Float32Array,
  ks: number[],
  chunkRows: number | undefined,
): Promise<{ radii: Float64Array[]; rechecked: number }> {
  const { n, d } = set;
  const kMax = Math.max(...ks);
  const kk = Math.min(n, kMax + 1 + MARGIN);
  const out = ks.map(() => new Float64Array(n));
  const tol = tolFactor(d);
  let maxNorm = 0;
  for (const v of norms) maxNorm = Math.max(maxNorm, v);
  const step = rowsPerChunk(chunkRows, n);
  const normsT = tf.tensor1d(norms);
  let budget = FALLBACK_BUDGET;
  let rechecked = 0;
  try {
    for (let start = 0; start < n; start += step) {
      const c = Math.min(step, n - start);
      const [values, indices] = tf.tidy(() => {
        const d2 = chunkDist2(
          x,
          normsT,
          tf.slice(x, start, c),
          tf.slice(normsT, start, c),
        );
        const top = tf.topk(tf.neg(d2), kk);
        return [top.values, top.indices];
      });
      const v = await values.data();
      const ix = await indices.data();
      tf.dispose([values, indices]);
      for (let r = 0; r < c; r++) {
        const i = start + r;
        let cand: number[] = [];
        for (let q = 0; q < kk; q++) {
          const j = ix[r * kk + q];
          if (j !== i) cand.push(dist2(set, i, set, j));
        }
        cand.sort((p, q) => p - q);
        // Every row outside the candidates has d²₃₂ ≥ the last candidate's;
        // unless that bound clears the k-th candidate, measure the row.
        const last = -v[r * kk + kk - 1];
        const clear = kk === n ||
          last - tol * (norms[i] + maxNorm) >= cand[kMax - 1];
        if (!clear && budget >= n * d) {
          budget -= n * d;
          rechecked++;
          cand = [];
          for (let j = 0; j < n; j++) {
            if (j !== i) cand.push(dist2(set, i, set, j));
          }
          cand.sort((p, q) => p - q);
        }
        ks.forEach((k, w) => out[w][i] = cand[k - 1]);
      }
    }
  } finally {
    normsT.dispose();
  }
  return { radii: out, rechecked };
}

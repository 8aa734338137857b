/**
 * Precision and recall (Kynkäänniemi et al. 2019) and density and coverage
 * (Naeem et al. 2020) of generated features against real features, as the
 * official `prdc` package (clovaai/generative-evaluation-prdc) defines them:
 * the radius of a point is the distance to its k-th nearest neighbour in its
 * own set (itself excluded), and a point lies in a ball when its distance to
 * the centre is strictly smaller than the radius.
 *
 * - precision = share of fakes inside at least one real ball (k = kPr);
 * - recall = share of reals inside at least one fake ball (k = kPr);
 * - density = (1 / kM) Σ_fakes Σ_reals 1[fake inside the real ball] (k = kDc);
 * - coverage = share of reals whose ball holds at least one fake (k = kDc),
 *   i.e. whose nearest fake lies inside it.
 *
 * Squared distances ‖a‖² + ‖b‖² − 2a·b are computed on the TF.js backend in
 * float32, in chunks of rows, after subtracting the real mean from both sets
 * (this shrinks the norms and so the cancellation). Every decision is then
 * made exactly, as in float64 on the float32 inputs: the k-th neighbour is
 * picked from a few float32 candidates re-measured in float64 (the whole row
 * when the candidates cannot prove it), and a pair whose float32 squared
 * distance lies within the float32 error bound of a squared radius is
 * re-measured in float64. Squared distances are compared, which equals the
 * package's comparison of distances except where two float64 square roots
 * round to the same value. The error bound assumes IEEE float32 matMul
 * (cpu, wasm, CPU TensorFlow); TF32 or half-precision GPU kernels can flip
 * pairs within about 10⁻³ (relative) of a radius.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  centred,
  chunkDist2,
  dist2,
  type FeatureInput,
  type Host,
  METRIC,
  radii,
  rowsPerChunk,
  toHost,
  tolFactor,
} from "./_prdc_distances.ts";

/** Options of {@linkcode prdc} and {@linkcode prdcReal}. */
export interface PrdcOptions {
  /** k of precision and recall (default 3, as Kynkäänniemi et al.). */
  kPr?: number;
  /** k of density and coverage (default 5, as Naeem et al.). */
  kDc?: number;
  /** Rows per distance chunk (default: ⌊2²² / columns⌋, at least 1). */
  chunkRows?: number;
}

/**
 * The real set prepared once for repeated {@linkcode prdc} calls: a host
 * copy and the exact squared radii at both k. Holds no tensors.
 */
export interface PrdcReal {
  /** Rows N. */
  n: number;
  /** Feature dimension d. */
  d: number;
  /** The features, row-major `[N, d]`, float32. */
  host: Float32Array;
  /** k of precision and recall. */
  kPr: number;
  /** k of density and coverage. */
  kDc: number;
  /** Squared distance of each real to its kPr-th real neighbour (float64). */
  radiiPr: Float64Array;
  /** Squared distance of each real to its kDc-th real neighbour (float64). */
  radiiDc: Float64Array;
}

/** Output of {@linkcode prdc}. */
export interface Prdc {
  /** Share of fakes inside at least one real kPr-ball. */
  precision: number;
  /** Share of reals inside at least one fake kPr-ball. */
  recall: number;
  /** Fakes-in-real-kDc-balls count over kDc · M (1 on average for equal distributions; may exceed 1). */
  density: number;
  /** Share of reals whose kDc-ball holds at least one fake. */
  coverage: number;
  /** Pairs and radii decided in float64 because float32 could not (a cost diagnostic). */
  rechecked: number;
}

export type { FeatureInput } from "./_prdc_distances.ts";

/**
 * Validates k against a set's size.
 *
 * @param name `kPr` or `kDc`.
 * @param k The value.
 * @param which `real` or `fake`.
 * @param n Rows of the set.
 */
function checkK(name: string, k: number, which: string, n: number): void {
  if (!(Number.isInteger(k) && k >= 1)) {
    throw new Error(`${METRIC}: ${name} must be an integer ≥ 1, got ${k}`);
  }
  if (k >= n) {
    throw new Error(
      `${METRIC}: ${name} = ${k} needs more than ${k} ${which} rows, got ${n}`,
    );
  }
}

/**
 * Prepares the real set once: a host copy and its exact squared radii at
 * kPr and kDc, for repeated {@linkcode prdc} calls against it.
 *
 * @param real `[N, d]` real features (not disposed).
 * @param options k values and chunk size.
 * @returns The prepared real set (holds no tensors).
 * @throws Error on non-2-D or empty input, non-finite values, or k ≥ N.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { prdcReal } from "./prdc.ts";
 * await tf.ready();
 * const r = await prdcReal([[0], [1], [3], [6], [10], [15]], { kPr: 1, kDc: 2 });
 * assert.deepEqual(Array.from(r.radiiPr), [1, 1, 4, 9, 16, 25]);
 * ```
 */
export async function prdcReal(
  real: FeatureInput,
  options: PrdcOptions = {},
): Promise<PrdcReal> {
  const kPr = options.kPr ?? 3;
  const kDc = options.kDc ?? 5;
  const host = await toHost("real", real);
  checkK("kPr", kPr, "real", host.n);
  checkK("kDc", kDc, "real", host.n);
  const { tensors, norms } = await centred([host], host);
  try {
    const r = await radii(host, tensors[0], norms[0], [
      kPr,
      kDc,
    ], options.chunkRows);
    return {
      n: host.n,
      d: host.d,
      host: host.x,
      kPr,
      kDc,
      radiiPr: r.radii[0],
      radiiDc: r.radii[1],
    };
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Precision, recall (k = kPr), density and coverage (k = kDc) of fake
 * features against real features, decided exactly as float64 on the float32
 * inputs (see the module notes). Pass a {@linkcode prdcReal} result to reuse
 * the real radii across calls; its k values then apply.
 *
 * @param real `[N, d]` real features, or the prepared real set.
 * @param fake `[M, d]` generated features (not disposed).
 * @param options k values (ignored for a prepared real set) and chunk size.
 * @returns Precision, recall, density, coverage and the recheck count.
 * @throws Error on non-2-D or empty input, non-finite values, differing d,
 *   k ≥ N or kPr ≥ M.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import assert from "node:assert/strict";
 * import { prdc } from "./prdc.ts";
 * await tf.ready();
 * const a = tf.randomNormal([200, 8], 0, 1, "float32", 1) as tf.Tensor2D;
 * const same = await prdc(a, a);
 * assert.deepEqual([same.precision, same.recall, same.coverage], [1, 1, 1]);
 * const far = tf.add(a, 100) as tf.Tensor2D;
 * const apart = await prdc(a, far);
 * assert.deepEqual([apart.precision, apart.recall, apart.density], [0, 0, 0]);
 * tf.dispose([a, far]);
 * ```
 */
export async function prdc(
  real: FeatureInput | PrdcReal,
  fake: FeatureInput,
  options: PrdcOptions = {},
): Promise<Prdc> {
  const prepared = isPrepared(real) ? real : await prdcReal(real, options);
  const r: Host = { x: prepared.host, n: prepared.n, d: prepared.d };
  const f = await toHost("fake", fake);
  if (f.d !== r.d) {
    throw new Error(
      `${METRIC}: feature dimensions differ: real [${r.n}, ${r.d}], fake [${f.n}, ${f.d}]`,
    );
  }
  const { kPr, kDc, radiiPr, radiiDc } = prepared;
  checkK("kPr", kPr, "fake", f.n);
  const { tensors, norms } = await centred([r, f], r);
  const [rt, ft] = tensors;
  const [rn, fn] = norms;
  try {
    const fr = await radii(f, ft, fn, [kPr], options.chunkRows);
    const fakeRadii = fr.radii[0];
    let rechecked = fr.rechecked;
    const tol = tolFactor(r.d);
    // Decides d²(i, j) < r2 exactly: float32 when clear of the bound.
    const inside = (x: number, r2: number, t: number, i: number, j: number) => {
      if (x < r2 - t) return true;
      if (x > r2 + t) return false;
      rechecked++;
      return dist2(r, i, f, j) < r2;
    };
    const fakeInPr = new Uint8Array(f.n);
    const realCovered = new Uint8Array(r.n);
    const realInFake = new Uint8Array(r.n);
    let densityCount = 0;
    const step = rowsPerChunk(options.chunkRows, f.n);
    const fnT = tf.tensor1d(fn);
    const rnT = tf.tensor1d(rn);
    try {
      for (let start = 0; start < r.n; start += step) {
        const c = Math.min(step, r.n - start);
        const d2t = tf.tidy(() =>
          chunkDist2(ft, fnT, tf.slice(rt, start, c), tf.slice(rnT, start, c))
        );
        const d2 = await d2t.data();
        d2t.dispose();
        for (let q = 0; q < c; q++) {
          const i = start + q;
          const rPr = radiiPr[i];
          const rDc = radiiDc[i];
          const o = q * f.n;
          for (let j = 0; j < f.n; j++) {
            const x = d2[o + j];
            const t = tol * (rn[i] + fn[j]);
            if (inside(x, rPr, t, i, j)) fakeInPr[j] = 1;
            if (inside(x, rDc, t, i, j)) {
              densityCount++;
              realCovered[i] = 1;
            }
            if (!realInFake[i] && inside(x, fakeRadii[j], t, i, j)) {
              realInFake[i] = 1;
            }
          }
        }
      }
    } finally {
      tf.dispose([fnT, rnT]);
    }
    const share = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
    return {
      precision: share(fakeInPr),
      recall: share(realInFake),
      density: (1 / kDc) * (densityCount / f.n),
      coverage: share(realCovered),
      rechecked,
    };
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Whether an input is a {@linkcode PrdcReal}.
 *
 * @param x The input.
 * @returns True for a prepared real set.
 */
function isPrepared(x: FeatureInput | PrdcReal): x is PrdcReal {
  return !Array.isArray(x) && !(x instanceof tf.Tensor) &&
    "radiiPr" in x;
}

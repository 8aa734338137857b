/**
 * Float64 dense linear algebra for the metrics (private): covariance, matrix
 * products and the symmetric eigensolver behind FID.
 *
 * The eigensolver is Householder tridiagonalisation followed by the implicit
 * QL algorithm (EISPACK tred2/tql2, as in JAMA), translated to column-major
 * storage so that every O(n³) inner loop walks contiguous memory. The FID
 * path ({@linkcode meanAndCovarianceParallel}, {@linkcode traceSqrtProduct})
 * runs its O(N·d²) and O(d³) loops in the WebAssembly kernels of
 * `_wasm_f64.ts` (blocked Cholesky, packed products, values-only
 * tridiagonalisation with each step's update fused into the next step's
 * matrix-vector product); the plain JavaScript eigensolver remains for
 * eigenvectors.
 *
 * @module
 */
import {
  atbAccumulate,
  atbScratch,
  F64Kernels,
  MR,
  NR,
  sliverCount,
} from "./_wasm_f64.ts";

/** Result of {@linkcode symmetricEigen}. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /**
   * Eigenvectors, column-major: eigenvector `j` (for `values[j]`) occupies
   * `vectors[j*n … j*n+n-1]`. Absent when only values were requested.
   */
  vectors?: Float64Array;
}

/**
 * Symmetric eigendecomposition A = V Λ Vᵀ in float64.
 *
 * @param a Symmetric n×n matrix, row- or column-major (identical for a
 *   symmetric matrix). Not modified.
 * @param n The order of the matrix.
 * @param wantVectors Whether to accumulate eigenvectors (≈ 3× the work).
 * @returns Ascending eigenvalues and, if asked, eigenvectors (column-major).
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  wantVectors = true,
): SymmetricEigen {
  if (a.length !== n * n) {
    throw new Error(
      `linalg: symmetricEigen: matrix has ${a.length} entries, expected ${n}×${n}`,
    );
  }
  const v = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: wantVectors ? v : undefined };
  tred2(v, d, e, n, wantVectors);
  tql2(v, d, e, n, wantVectors);
  return { values: d, vectors: wantVectors ? v : undefined };
}

/**
 * Householder reduction to tridiagonal form (EISPACK tred2 / JAMA), with
 * V(r, c) stored at `v[c*n + r]`. On return `d` holds the diagonal, `e` the
 * sub-diagonal (e[0] = 0) and, when `wantVectors`, `v` the orthogonal
 * transformation.
 */
function tred2(
  v: Float64Array,
  d: Float64Array,
  e: Float64Array,
  n: number,
  wantVectors: boolean,
): void {
  for (let j = 0; j < n; j++) d[j] = v[j * n + (n - 1)];

  for (let i = n - 1; i > 0; i--) {
    // Scale to avoid under/overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + (i - 1)];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      // Generate Householder vector.
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      // Apply similarity transformation to remaining columns.
      for (let j = 0; j < i; j++) {
        const cj = j * n;
        f = d[j];
        v[i * n + j] = f;
        g = e[j] + v[cj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = v[cj + k];
          g += vkj * d[k];
          e[k] += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const cj = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) {
          v[cj + k] -= f * e[k] + g * d[k];
        }
        d[j] = v[cj + (i - 1)];
        v[cj + i] = 0;
      }
    }
    d[i] = h;
  }

  if (wantVectors) {
    // Accumulate transformations.
    for (let i = 0; i < n - 1; i++) {
      const ci = i * n;
      const ci1 = (i + 1) * n;
      v[ci + (n - 1)] = v[ci + i];
      v[ci + i] = 1;
      const h = d[i + 1];
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = v[ci1 + k] / h;
        for (let j = 0; j <= i; j++) {
          const cj = j * n;
          let g = 0;
          for (let k = 0; k <= i; k++) g += v[ci1 + k] * v[cj + k];
          for (let k = 0; k <= i; k++) v[cj + k] -= g * d[k];
        }
      }
      for (let k = 0; k <= i; k++) v[ci1 + k] = 0;
    }
    for (let j = 0; j < n; j++) {
      d[j] = v[j * n + (n - 1)];
      v[j * n + (n - 1)] = 0;
    }
    v[(n - 1) * n + (n - 1)] = 1;
  } else {
    for (let j = 0; j < n; j++) d[j] = v[j * n + j];
  }
  e[0] = 0;
}

/**
 * Symmetric tridiagonal QL algorithm with implicit shifts (EISPACK tql2 /
 * JAMA), V column-major. Sorts eigenvalues (and vectors) ascending.
 */
function tql2(
  v: Float64Array,
  d: Float64Array,
  e: Float64Array,
  n: number,
  wantVectors: boolean,
): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;

  let f = 0;
  let tst1 = 0;
  const eps = Math.pow(2, -52);
  for (let l = 0; l < n; l++) {
    // Find small subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m === n) m = n - 1; // e[n-1] is 0, so this is only a safeguard.

    // If m == l, d[l] is an eigenvalue; otherwise iterate.
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > 300) {
          throw new Error(
            "symmetricEigen: tql2 did not converge (matrix has NaN/Inf?)",
          );
        }
        // Compute implicit shift.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;

        // Implicit QL transformation.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);

          if (wantVectors) {
            // Accumulate transformation (columns i and i+1 are contiguous).
            const ci = i * n;
            const ci1 = ci + n;
            for (let k = 0; k < n; k++) {
              const hk = v[ci1 + k];
              const vk = v[ci + k];
              v[ci1 + k] = s * vk + c * hk;
              v[ci + k] = c * vk - s * hk;
            }
          }
        }
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
        // Check for convergence.
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }

  // Sort eigenvalues and corresponding vectors (selection sort, O(n²)).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      if (wantVectors) {
        const ci = i * n;
        const ck = k * n;
        for (let j = 0; j < n; j++) {
          const t = v[ci + j];
          v[ci + j] = v[ck + j];
          v[ck + j] = t;
        }
      }
    }
  }
}

/**
 * Column means of row-major samples, summed in row order in float64.
 *
 * @param x Row-major samples, `n` rows of `d` features.
 * @param n Number of samples.
 * @param d Number of features.
 * @returns The means (length d).
 */
export function columnMeans(
  x: ArrayLike<number>,
  n: number,
  d: number,
): Float64Array {
  const mu = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) mu[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mu[j] /= n;
  return mu;
}

/**
 * Rows 4·s0 … 4·s1−1 (clipped to d) of the upper triangle of Xcᵀ Xc for the
 * centred samples Xc = X − μ (centred in float64 while packing), on the
 * WebAssembly kernels. Every element is the sample-ordered sum
 * Σ_r (x[r,i] − μ_i)(x[r,j] − μ_j), so any split of the rows between threads
 * gives the same doubles.
 *
 * @param x Samples, row-major n × d.
 * @param mu Column means.
 * @param n Number of samples.
 * @param d Number of features.
 * @param s0 First 4-row sliver.
 * @param s1 End sliver (exclusive).
 * @returns Row-major (rows × d) block; entries left of the diagonal are
 *   unspecified.
 */
export function scatterRows(
  x: Float64Array | Float32Array,
  mu: Float64Array,
  n: number,
  d: number,
  s0: number,
  s1: number,
): Float64Array {
  const rows = Math.min(d, s1 * MR) - s0 * MR;
  const out = new Float64Array(Math.max(0, rows) * d);
  if (rows <= 0) return out;
  const ldc = Math.ceil(d / NR) * NR;
  const cRows = (s1 - s0) * MR;
  const scratch = cRows * ldc;
  const ker = new F64Kernels();
  ker.reserve(scratch + atbScratch(d, d));
  const op = { data: x, offset: 0, ld: d, shift: mu };
  atbAccumulate(
    ker,
    op,
    op,
    { k: n, m: d, n: d, upper: true, slivers: [s0, s1] },
    -s0 * MR * ldc,
    ldc,
    scratch,
  );
  const mem = new Float64Array(ker.fn.memory.buffer);
  for (let r = 0; r < rows; r++) {
    out.set(mem.subarray(r * ldc, r * ldc + d), r * d);
  }
  return out;
}

/**
 * Splits the 4-row slivers of an upper-triangular d × d product into
 * `parts` contiguous ranges of about equal work.
 *
 * @param d The order.
 * @param parts Number of ranges.
 * @returns `parts + 1` sliver boundaries, from 0 to ⌈d/3⌉.
 */
export function balancedSlivers(d: number, parts: number): number[] {
  const s = sliverCount(d);
  const work = (i: number) => Math.max(1, d - i * MR);
  let total = 0;
  for (let i = 0; i < s; i++) total += work(i);
  const bounds = [0];
  let acc = 0;
  for (let i = 0; i < s && bounds.length < parts; i++) {
    acc += work(i);
    if (acc >= (total * bounds.length) / parts) bounds.push(i + 1);
  }
  while (bounds.length < parts) bounds.push(s);
  bounds.push(s);
  return bounds;
}

/** Assembles σ = (upper-triangle rows)/(n−1), mirrored, from row blocks. */
function assembleCovariance(
  blocks: Float64Array[],
  bounds: number[],
  n: number,
  d: number,
): Float64Array {
  const sigma = new Float64Array(d * d);
  const inv = 1 / (n - 1);
  for (let b = 0; b < blocks.length; b++) {
    const r0 = bounds[b] * MR;
    const blk = blocks[b];
    const rows = blk.length / d;
    for (let r = 0; r < rows; r++) {
      const i = r0 + r;
      for (let j = i; j < d; j++) {
        const v = blk[r * d + j] * inv;
        sigma[i * d + j] = v;
        sigma[j * d + i] = v;
      }
    }
  }
  return sigma;
}

/**
 * Column means and the unbiased (N−1) covariance of row-major samples, in
 * float64: Xᵀ X on the centred samples (upper triangle, packed
 * WebAssembly kernel), each element summed in sample order.
 *
 * @param x Row-major samples, `n` rows of `d` features.
 * @param n Number of samples (≥ 2).
 * @param d Number of features.
 * @returns The means (length d) and the covariance (d×d, symmetric).
 */
export function meanAndCovariance(
  x: ArrayLike<number>,
  n: number,
  d: number,
): { mu: Float64Array; sigma: Float64Array } {
  const mu = columnMeans(x, n, d);
  const bounds = [0, sliverCount(d)];
  const rows = scatterRows(asTyped(x, false), mu, n, d, 0, bounds[1]);
  return { mu, sigma: assembleCovariance([rows], bounds, n, d) };
}

/**
 * The samples as a Float32Array or Float64Array (kept when already one and,
 * for `shared`, already in a SharedArrayBuffer; else copied, values
 * unchanged).
 */
function asTyped(
  x: ArrayLike<number>,
  shared: boolean,
): Float32Array | Float64Array {
  const typed = x instanceof Float32Array || x instanceof Float64Array;
  if (typed && (!shared || x.buffer instanceof SharedArrayBuffer)) return x;
  const f32 = x instanceof Float32Array;
  const bytes = x.length * (f32 ? 4 : 8);
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const out = f32 ? new Float32Array(buf) : new Float64Array(buf);
  for (let i = 0; i < x.length; i++) out[i] = x[i];
  return out;
}

/** Whether a module worker can be started from `url` without a prompt. */
function canStartWorker(url: URL): boolean {
  if (typeof Worker === "undefined") return false;
  if (url.protocol !== "file:") return true;
  try {
    return Deno.permissions.querySync({ name: "read", path: url }).state ===
      "granted";
  } catch {
    return false;
  }
}

/**
 * {@linkcode meanAndCovariance} with the rows of the product split between
 * this thread and `threads − 1` Web Workers (the same doubles for any
 * thread count; falls back to this thread when a worker cannot start).
 *
 * @param x Row-major samples, `n` rows of `d` features.
 * @param n Number of samples (≥ 2).
 * @param d Number of features.
 * @param threads Number of threads, ≥ 1.
 * @returns The means and the covariance.
 */
export async function meanAndCovarianceParallel(
  x: ArrayLike<number>,
  n: number,
  d: number,
  threads: number,
): Promise<{ mu: Float64Array; sigma: Float64Array }> {
  const url = new URL("./_scatter_worker.ts", import.meta.url);
  if (threads <= 1 || !canStartWorker(url)) return meanAndCovariance(x, n, d);
  const mu = columnMeans(x, n, d);
  const xs = asTyped(x, true);
  const bounds = balancedSlivers(d, threads);
  const workers: Worker[] = [];
  const pending: Promise<Float64Array>[] = [];
  try {
    for (let t = 1; t < threads; t++) {
      const w = new Worker(url.href, { type: "module" });
      workers.push(w);
      pending.push(
        new Promise<Float64Array>((resolve, reject) => {
          w.onmessage = (ev: MessageEvent<Float64Array>) => resolve(ev.data);
          w.onerror = (ev: ErrorEvent) => {
            ev.preventDefault();
            reject(new Error(ev.message));
          };
        }),
      );
      w.postMessage({ x: xs, mu, n, d, s0: bounds[t], s1: bounds[t + 1] });
    }
  } catch {
    // A worker could not start: this thread does it all.
    for (const w of workers) w.terminate();
    return meanAndCovariance(x, n, d);
  }
  const blocks = [scatterRows(xs, mu, n, d, bounds[0], bounds[1])];
  const settled = await Promise.allSettled(pending);
  for (const w of workers) w.terminate();
  for (let t = 1; t < threads; t++) {
    const r = settled[t - 1];
    // A failed worker's rows are computed here (same doubles).
    blocks.push(
      r.status === "fulfilled"
        ? r.value
        : scatterRows(xs, mu, n, d, bounds[t], bounds[t + 1]),
    );
  }
  return { mu, sigma: assembleCovariance(blocks, bounds, n, d) };
}

/**
 * Dot products of contiguous vectors: `out[i*nb + j] = Σ_k a[i*len + k] ·
 * b[j*len + k]` for i < na, j < nb (that is A Bᵀ for row-major A, B). With
 * `symmetric` (a and b the same family, result symmetric) only i ≤ j is
 * computed and mirrored.
 *
 * @param a `na` vectors of length `len`, one after another.
 * @param na Number of vectors in `a`.
 * @param b `nb` vectors of length `len`, one after another.
 * @param nb Number of vectors in `b`.
 * @param len Length of every vector.
 * @param symmetric Whether the result is known to be symmetric (na = nb).
 * @param aTriangular Whether vector i of `a` is zero before index i (the
 *   columns of a lower-triangular matrix): sums then start at k = i.
 * @returns The na×nb matrix of dot products, row-major.
 */
export function dotProducts(
  a: Float64Array,
  na: number,
  b: Float64Array,
  nb: number,
  len: number,
  symmetric = false,
  aTriangular = false,
): Float64Array {
  const out = new Float64Array(na * nb);
  const naEven = na - (na % 2);
  const nbEven = nb - (nb % 2);
  for (let i = 0; i < naEven; i += 2) {
    const a0 = i * len;
    const a1 = a0 + len;
    for (let j = symmetric ? i : 0; j < nbEven; j += 2) {
      const b0 = j * len;
      const b1 = b0 + len;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = aTriangular ? i : 0; k < len; k++) {
        const x0 = a[a0 + k];
        const x1 = a[a1 + k];
        const y0 = b[b0 + k];
        const y1 = b[b1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[i * nb + j] = s00;
      out[i * nb + j + 1] = s01;
      out[(i + 1) * nb + j] = s10;
      out[(i + 1) * nb + j + 1] = s11;
    }
  }
  // Odd leftovers: last row of a and/or last column of b.
  const dot = (i: number, j: number) => {
    let s = 0;
    const ai = i * len;
    const bj = j * len;
    for (let k = aTriangular ? i : 0; k < len; k++) s += a[ai + k] * b[bj + k];
    out[i * nb + j] = s;
  };
  if (nbEven < nb) { for (let i = 0; i < na; i++) dot(i, nb - 1); }
  if (naEven < na) { for (let j = 0; j < nb; j++) dot(na - 1, j); }
  if (symmetric) {
    for (let i = 0; i < na; i++) {
      for (let j = i + 1; j < nb; j++) out[j * nb + i] = out[i * nb + j];
    }
  }
  return out;
}

/** Column block of {@linkcode traceSqrtProduct}'s Cholesky (multiple of 4). */
const CHOL_NB = 48;

/**
 * In-place blocked upper Cholesky S = Uᵀ U of the symmetric matrix held
 * (at least its upper triangle) in the kernels' memory at double index
 * `off`, row stride `ld`. U overwrites the upper triangle. A pivot that is
 * exactly zero with an exactly zero remainder of its row (a zero-variance
 * feature) gives a zero row. Returns false when S is not positive definite
 * in that sense.
 */
function choleskyUpperInPlace(
  ker: F64Kernels,
  off: number,
  ld: number,
  n: number,
  scratch: number,
): boolean {
  for (let j0 = 0; j0 < n; j0 += CHOL_NB) {
    const j1 = Math.min(n, j0 + CHOL_NB);
    const s = new Float64Array(ker.fn.memory.buffer);
    // Rows j0…j1−1 from the diagonal to the right: finish them against the
    // earlier rows of this block, then scale by the pivot.
    for (let j = j0; j < j1; j++) {
      const rj = off + j * ld;
      for (let k = j0; k < j; k++) {
        const rk = off + k * ld;
        const ukj = s[rk + j];
        if (ukj === 0) continue;
        for (let i = j; i < n; i++) s[rj + i] -= ukj * s[rk + i];
      }
      const p = s[rj + j];
      if (p > 0 && Number.isFinite(p)) {
        const u = Math.sqrt(p);
        s[rj + j] = u;
        for (let i = j + 1; i < n; i++) s[rj + i] /= u;
      } else if (p === 0) {
        for (let i = j + 1; i < n; i++) if (s[rj + i] !== 0) return false;
      } else {
        return false;
      }
    }
    if (j1 < n) {
      // Trailing update S[j1:, j1:] −= U[j0:j1, j1:]ᵀ U[j0:j1, j1:].
      const op = { data: s, offset: off + j0 * ld + j1, ld };
      atbAccumulate(
        ker,
        op,
        op,
        { k: j1 - j0, m: n - j1, n: n - j1, upper: true, negate: true },
        off + j1 * ld + j1,
        ld,
        scratch,
      );
    }
  }
  return true;
}

/**
 * Eigenvalues (ascending) of the symmetric matrix whose upper triangle is
 * stored row-major in the kernels' memory at double index `off`, row stride
 * `ld` (destroyed): Householder tridiagonalisation (EISPACK tred2, values
 * only) and implicit QL (tql2). Read as column-major, the upper triangle is
 * tred2's lower one. Each step's rank-2 update runs in one WebAssembly pass
 * together with the next step's matrix-vector product (`tredFused`), which
 * halves the memory traffic and gives the same doubles as the two loops
 * run one after the other. `buf` is the double index of 4·n scratch values.
 */
function eigenvaluesInPlace(
  ker: F64Kernels,
  off: number,
  ld: number,
  n: number,
  buf: number,
): Float64Array {
  const v = new Float64Array(ker.fn.memory.buffer);
  // Four vectors of length n: this step's d and e, the previous step's.
  let [dP, eP, uP, wP] = [buf, buf + n, buf + 2 * n, buf + 3 * n];
  const vec = (p: number) => v.subarray(p, p + n);
  const sub = new Float64Array(n);
  let pending = false; // the previous step's rank-2 update is not applied yet
  let d = vec(dP);
  for (let j = 0; j < n; j++) d[j] = v[off + j * ld + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    d = vec(dP);
    const e = vec(eP);
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      if (pending) ker.fn.tredUpdate(off * 8, uP * 8, wP * 8, ld, i + 1);
      pending = false;
      sub[i] = d[i - 1];
      for (let j = 0; j < i; j++) d[j] = v[off + j * ld + (i - 1)];
      continue;
    }
    for (let k = 0; k < i; k++) {
      d[k] /= scale;
      h += d[k] * d[k];
    }
    let f = d[i - 1];
    let g = Math.sqrt(h);
    if (f > 0) g = -g;
    sub[i] = scale * g;
    h = h - f * g;
    d[i - 1] = f - g;
    e.fill(0, 0, i);
    if (pending) {
      ker.fn.tredFused(off * 8, uP * 8, wP * 8, dP * 8, eP * 8, ld, i + 1);
    } else {
      ker.fn.tredSymv(off * 8, dP * 8, eP * 8, ld, i);
    }
    f = 0;
    for (let j = 0; j < i; j++) {
      e[j] /= h;
      f += e[j] * d[j];
    }
    const hh = f / (h + h);
    for (let j = 0; j < i; j++) e[j] -= hh * d[j];
    // Row i−1 after this step's update (the next step's d), computed ahead
    // with the kernel's arithmetic; the update itself is deferred.
    const nd = vec(uP);
    const ei = e[i - 1];
    const di = d[i - 1];
    for (let j = 0; j < i; j++) {
      nd[j] = v[off + j * ld + (i - 1)] - (d[j] * ei + e[j] * di);
    }
    pending = true;
    [dP, eP, uP, wP] = [uP, wP, dP, eP];
  }
  if (pending) ker.fn.tredUpdate(off * 8, uP * 8, wP * 8, ld, 1);
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) diag[j] = v[off + j * ld + j];
  sub[0] = 0;
  tql2(new Float64Array(0), diag, sub, n, false);
  return diag;
}

/**
 * Tr((Σ₁^½ Σ₂ Σ₁^½)^½) for symmetric positive semi-definite Σ₁, Σ₂ (d × d,
 * row-major) through Σ₁ = L Lᵀ (blocked Cholesky): Lᵀ Σ₂ L is orthogonally
 * similar to Σ₁^½ Σ₂ Σ₁^½, so the trace is Σ √max(λ, 0) over its
 * eigenvalues. All O(d³) work runs in the WebAssembly kernels.
 *
 * @param sigma1 Σ₁, row-major d × d (not modified).
 * @param sigma2 Σ₂, row-major d × d (not modified).
 * @param d The order.
 * @returns The trace, or null when Σ₁ is not positive definite (up to
 *   exactly-zero-variance features).
 */
export function traceSqrtProduct(
  sigma1: Float64Array,
  sigma2: Float64Array,
  d: number,
): number | null {
  if (d === 0) return 0;
  // Room for trailing slivers past row/column d (up to 3 rows and columns).
  const ld = d + 4;
  const region = (d + MR) * ld;
  const sOff = 0;
  const tOff = region;
  const buf = 2 * region;
  const scratch = buf + 4 * d;
  const ker = new F64Kernels();
  let mem = ker.reserve(scratch + atbScratch(d, d));
  for (let i = 0; i < d; i++) {
    mem.set(sigma1.subarray(i * d + i, i * d + d), sOff + i * ld + i);
  }
  if (!choleskyUpperInPlace(ker, sOff, ld, d, scratch)) return null;
  mem = new Float64Array(ker.fn.memory.buffer);
  // L row-major: L[k][j] = U[j][k] for j ≤ k.
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const rj = sOff + j * ld;
    for (let k = j; k < d; k++) l[k * d + j] = mem[rj + k];
  }
  mem.fill(0, 0, 2 * region);
  // T = Σ₂ L (Σ₂ symmetric, so Σ₂[k][i] rows serve as Aᵀ).
  atbAccumulate(
    ker,
    { data: sigma2, offset: 0, ld: d },
    { data: l, offset: 0, ld: d, lower: true },
    { k: d, m: d, n: d },
    tOff,
    ld,
    scratch,
  );
  // M = Lᵀ T, upper triangle, into the S region.
  atbAccumulate(
    ker,
    { data: l, offset: 0, ld: d, lower: true },
    { data: mem, offset: tOff, ld },
    { k: d, m: d, n: d, upper: true },
    sOff,
    ld,
    scratch,
  );
  const lambda = eigenvaluesInPlace(ker, sOff, ld, d, buf);
  let tr = 0;
  for (let i = 0; i < d; i++) if (lambda[i] > 0) tr += Math.sqrt(lambda[i]);
  return tr;
}

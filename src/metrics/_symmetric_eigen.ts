/**
 * The symmetric eigensolver behind FID's eigen path and the evaluators'
 * patch whitening (private): Householder tridiagonalisation followed by the
 * implicit QL algorithm (EISPACK tred2/tql2, as in JAMA), translated to
 * column-major storage so that every O(n³) inner loop walks contiguous
 * memory. Plain float64 JavaScript.
 *
 * @module
 */
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
export function tql2(
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

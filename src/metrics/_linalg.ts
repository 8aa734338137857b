/**
 * Float64 dense linear algebra for FID's trace term (private): dot products
 * of contiguous vectors, and Tr((Σ₁^½ Σ₂ Σ₁^½)^½) through a blocked Cholesky
 * factor and the eigenvalues of Lᵀ Σ₂ L, in the WebAssembly kernels of
 * `_wasm_f64.ts` (values-only tridiagonalisation with each step's update
 * fused into the next step's matrix-vector product). The covariance is in
 * `_covariance.ts`, the eigensolver with eigenvectors in
 * `_symmetric_eigen.ts`.
 *
 * @module
 */
import { atbAccumulate, atbScratch, F64Kernels, MR } from "./_wasm_f64.ts";
import { tql2 } from "./_symmetric_eigen.ts";

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

/**
 * Means and covariances of feature matrices in float64 (private): every
 * covariance entry is the sum of its N products in sample order, the
 * O(N·d²) loop in the WebAssembly kernels of `_wasm_f64.ts`, its rows
 * optionally shared among Web Workers (`_scatter_worker.ts`) without
 * changing a bit.
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

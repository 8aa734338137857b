/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Web Worker behind `meanAndCovarianceParallel` (private): computes one
 * range of rows of Xᵀ X and posts them back.
 *
 * @module
 */
import { scatterRows } from "./_covariance.ts";

self.onmessage = (
  ev: MessageEvent<
    {
      x: Float32Array | Float64Array;
      mu: Float64Array;
      n: number;
      d: number;
      s0: number;
      s1: number;
    }
  >,
) => {
  const { x, mu, n, d, s0, s1 } = ev.data;
  const rows = scatterRows(x, mu, n, d, s0, s1);
  self.postMessage(rows, [rows.buffer as ArrayBuffer]);
};

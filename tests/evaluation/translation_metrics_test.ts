/**
 * Translation metrics and grids: PSNR (capped), SSIM and L1 on [0, 1]
 * images with known values, and the triplet grid's handling of 1- and
 * 2-channel inputs.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { assert } from "../_assert.ts";
import {
  imageScores,
  PSNR_CAP,
} from "../../src/evaluation/translation_metrics.ts";
import { tripletGrid } from "../../src/results/grid.ts";

await tf.setBackend("cpu");

Deno.test("imageScores: per-image PSNR (capped), its std, SSIM and L1 in [0, 1] units", async () => {
  // Image 0 exact (PSNR capped at 100), image 1 off by 0.2 in [−1, 1] = 0.1.
  const target = tf.fill([2, 12, 12, 3], -0.5) as tf.Tensor4D;
  const answer = tf.concat([
    tf.fill([1, 12, 12, 3], -0.5),
    tf.fill([1, 12, 12, 3], -0.3),
  ]) as tf.Tensor4D;
  const s = await imageScores(answer, target);
  const p1 = 10 * Math.log10(1 / 0.01); // 20 dB
  assert.ok(Math.abs(s.psnr - (PSNR_CAP + p1) / 2) < 1e-3, `${s.psnr}`);
  // Sample std of two values a, b: |a − b| / √2.
  assert.ok(Math.abs(s.psnr_std - (PSNR_CAP - p1) / Math.SQRT2) < 1e-3);
  assert.ok(Math.abs(s.l1 - 0.05) < 1e-6, `${s.l1}`);
  assert.ok(s.ssim < 1 && s.ssim > 0.5, `${s.ssim}`);
  assert.ok(s.ssim_std > 0);
  tf.dispose([target, answer]);
});

Deno.test("tripletGrid: an inpainting input shows its masked image, not the mask", () => {
  const shape = { height: 1, width: 1, channels: 1 };
  // One pair: masked value −1 (black), mask 1 (white).
  const grid = tripletGrid(
    new Float32Array([-1, 1]),
    new Float32Array([0]),
    new Float32Array([1]),
    1,
    { ...shape, channels: 2 },
    shape,
  );
  assert.equal(grid.channels, 1);
  assert.deepEqual([grid.width, grid.height], [11, 5]);
  const row = 2 * grid.width;
  assert.deepEqual(
    [grid.pixels[row + 2], grid.pixels[row + 5], grid.pixels[row + 8]],
    [0, 128, 255],
  );
  assert.throws(
    () =>
      tripletGrid(
        new Float32Array(4),
        new Float32Array(1),
        new Float32Array(1),
        1,
        { height: 2, width: 2, channels: 1 },
        shape,
      ),
    /^Error: tripletGrid: input 2×2 differs from target 1×1$/,
  );
});

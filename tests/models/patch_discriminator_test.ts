import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import {
  buildPatchDiscriminator,
  DEFAULT_PATCH_LAYERS,
  patchMapSize,
  patchReceptiveField,
} from "../../src/models/translation/patch_discriminator.ts";
import { setupCpu } from "./_setup.ts";

await setupCpu();

const TINY = 1 / 16;

Deno.test("patch D: receptive field known values (pix2pix k4 layout)", () => {
  assert.equal(patchReceptiveField(1), 16);
  assert.equal(patchReceptiveField(2), 34);
  assert.equal(patchReceptiveField(3), 70); // pix2pix's 70×70 PatchGAN
  assert.equal(patchReceptiveField(4), 142);
  assert.throws(
    () => patchReceptiveField(0),
    /nLayers must be a positive integer, got 0/,
  );
});

Deno.test("patch D: map size from the conv arithmetic", () => {
  assert.equal(DEFAULT_PATCH_LAYERS, 2);
  assert.equal(patchMapSize(32, 2), 6); // 32→16→8→7→6
  assert.equal(patchMapSize(28, 2), 5); // 28→14→7→6→5
  assert.equal(patchMapSize(32, 1), 14);
  assert.equal(patchMapSize(28, 1), 12);
  assert.equal(patchMapSize(32, 3), 2);
  assert.equal(patchMapSize(256, 3), 30); // pix2pix's 30×30 map at 256 px
});

for (
  const [size, cx, cy, n] of [[32, 1, 3, 2], [28, 1, 1, 2], [32, 3, 3, 1], [
    28,
    2,
    1,
    3,
  ]]
) {
  Deno.test(`patch D: ${size}×${size} (${cx}+${cy} channels, n=${n}) outputs its map`, () => {
    const d = buildPatchDiscriminator({
      size,
      inputChannels: cx,
      imageChannels: cy,
      nLayers: n,
      seed: 2,
      widthMultiplier: TINY,
    });
    const m = patchMapSize(size, n);
    assert.deepEqual(d.patch, [m, m]);
    const x = tf.zeros([2, size, size, cx]) as tf.Tensor4D;
    const y = tf.ones([2, size, size, cy]) as tf.Tensor4D;
    for (const training of [true, false]) {
      const s = d.apply(x, y, training);
      assert.deepEqual(s.shape, [2, m, m, 1]);
      s.dispose();
    }
    tf.dispose([x, y]);
    d.dispose();
  });
}

Deno.test("patch D: a map element's gradient support is exactly the receptive field", () => {
  for (const [n, size] of [[1, 40], [2, 64], [3, 128]]) {
    const d = buildPatchDiscriminator({
      size,
      inputChannels: 1,
      imageChannels: 1,
      nLayers: n,
      seed: 5,
      widthMultiplier: TINY,
    });
    const m = d.patch[0];
    const c = Math.floor(m / 2);
    const x = tf.randomNormal(
      [1, size, size, 1],
      0,
      1,
      "float32",
      1,
    ) as tf.Tensor4D;
    const y = tf.randomNormal(
      [1, size, size, 1],
      0,
      1,
      "float32",
      2,
    ) as tf.Tensor4D;
    const g = tf.grad((xi: tf.Tensor) =>
      tf.sum(
        tf.slice(d.apply(xi as tf.Tensor4D, y, false), [0, c, c, 0], [
          1,
          1,
          1,
          1,
        ]),
      )
    )(x);
    const rows = tf.tidy(() => tf.greater(tf.max(tf.abs(g), [0, 2, 3]), 0));
    const hit = [...rows.dataSync()].flatMap((v, i) => (v ? [i] : []));
    const extent = hit[hit.length - 1] - hit[0] + 1;
    assert.equal(
      extent,
      d.receptiveField,
      `n=${n}: support rows ${hit[0]}…${hit.at(-1)}`,
    );
    assert.ok(
      hit[0] > 0 && hit.at(-1)! < size - 1,
      "support away from the border",
    );
    tf.dispose([x, y, g, rows]);
    d.dispose();
  }
});

Deno.test("patch D: full-width layers, BN not on the first, parameter count", () => {
  const d = buildPatchDiscriminator({
    size: 32,
    inputChannels: 1,
    imageChannels: 3,
    seed: 1,
  });
  assert.deepEqual(d.config.layers, [
    "concat input 1 + image 3",
    "conv k4 s2 p1 4→64 (16×16), LeakyReLU 0.2",
    "conv k4 s2 p1 64→128 (8×8), BN, LeakyReLU 0.2",
    "conv k4 s1 p1 128→256 (7×7), BN, LeakyReLU 0.2",
    "conv k4 s1 p1 256→1 (6×6), linear (patch map)",
  ]);
  // 16·(4·64 + 64·128 + 128·256 + 256·1) + biases 64 + 1 + BN 2·(128 + 256).
  assert.equal(d.config.parameters, 664385);
  assert.equal(d.receptiveField, 34);
  d.dispose();
});

Deno.test("patch D: the score map depends on the conditioning input", () => {
  const d = buildPatchDiscriminator({
    size: 32,
    inputChannels: 1,
    imageChannels: 1,
    seed: 1,
    widthMultiplier: TINY,
  });
  const y = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
  const a = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
  const b = tf.ones([1, 32, 32, 1]) as tf.Tensor4D;
  const diff = tf.tidy(() =>
    tf.max(tf.abs(tf.sub(d.apply(a, y, false), d.apply(b, y, false))))
  );
  assert.ok(diff.dataSync()[0] > 0);
  tf.dispose([y, a, b, diff]);
  d.dispose();
});

Deno.test("patch D: bad sizes and inputs throw one clear line", () => {
  assert.throws(
    () =>
      buildPatchDiscriminator({
        size: 8,
        inputChannels: 1,
        imageChannels: 1,
        nLayers: 3,
        seed: 1,
      }),
    /^Error: models\/patch_discriminator: a 8×8 input is too small for nLayers 3 \(map side -1\)$/,
  );
  const d = buildPatchDiscriminator({
    size: 32,
    inputChannels: 1,
    imageChannels: 3,
    seed: 1,
    widthMultiplier: TINY,
  });
  const x = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
  const y = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
  assert.throws(
    () => d.apply(x, y, true),
    /expected input \[N, 32, 32, 1\] and image \[N, 32, 32, 3\]/,
  );
  tf.dispose([x, y]);
  d.dispose();
});

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { assert, assertClose } from "../_assert.ts";
import {
  centerCrop,
  fromImageTensor,
  padTo,
  toImageTensor,
} from "../../src/data/tensor.ts";
import type { Split } from "../../src/data/types.ts";

await tf.setBackend("cpu");
await tf.ready();

function split(count: number, size: number): Split {
  const images = new Uint8Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37) % 256;
  images[0] = 0;
  images[1] = 255;
  return { images, labels: new Uint8Array(count), count };
}

Deno.test("toImageTensor: shape, float32, range [-1, 1], x/127.5-1", () => {
  const s = split(5, 4 * 4 * 3);
  const before = tf.memory().numTensors;
  const x = toImageTensor(s, [4, 4, 3]);
  assert.deepEqual(x.shape, [5, 4, 4, 3]);
  assert.equal(x.dtype, "float32");
  const v = x.dataSync();
  assert.equal(v[0], -1);
  assert.equal(v[1], 1);
  for (let i = 0; i < v.length; i++) {
    assertClose(v[i], s.images[i] / 127.5 - 1, 1e-6);
  }
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("toImageTensor: indices select images in order", () => {
  const s = split(6, 8);
  const x = toImageTensor(s, [2, 2, 2], [4, 1, 4]);
  assert.deepEqual(x.shape, [3, 2, 2, 2]);
  const v = x.dataSync();
  for (let j = 0; j < 8; j++) {
    assertClose(v[j], s.images[4 * 8 + j] / 127.5 - 1, 1e-6);
    assertClose(v[8 + j], s.images[8 + j] / 127.5 - 1, 1e-6);
  }
  x.dispose();
  assert.throws(
    () => toImageTensor(s, [2, 2, 2], [6]),
    /index 6 at position 0/,
  );
  assert.throws(() => toImageTensor(s, [3, 3, 1]), /expected 6 × 9/);
});

Deno.test("fromImageTensor inverts toImageTensor", async () => {
  const s = split(3, 28 * 28);
  const x = toImageTensor(s, [28, 28, 1]);
  assert.deepEqual(await fromImageTensor(x), s.images);
  x.dispose();
});

Deno.test("padTo 28 → 32 pads 2 px of −1 on each side; centerCrop round-trips", () => {
  const s = split(2, 28 * 28);
  const before = tf.memory().numTensors;
  const x = toImageTensor(s, [28, 28, 1]);
  const p = padTo(x, 32);
  assert.deepEqual(p.shape, [2, 32, 32, 1]);
  const pv = p.dataSync();
  // border rows/cols are −1, the interior is the image
  for (
    const [y, xx] of [[0, 0], [1, 5], [31, 31], [10, 0], [10, 1], [10, 30], [
      30,
      10,
    ]]
  ) {
    assert.equal(pv[y * 32 + xx], -1, `(${y},${xx})`);
  }
  assertClose(pv[2 * 32 + 2], s.images[0] / 127.5 - 1, 1e-6);
  assertClose(pv[29 * 32 + 29], s.images[27 * 28 + 27] / 127.5 - 1, 1e-6);
  const c = centerCrop(p, 28);
  assert.deepEqual(c.shape, [2, 28, 28, 1]);
  assert.deepEqual(c.dataSync(), x.dataSync());
  const odd = padTo(x, 31, 0);
  assert.deepEqual(odd.shape, [2, 31, 31, 1]);
  assert.equal(odd.dataSync()[0], 0);
  const same = padTo(x, 28);
  assert.deepEqual(same.dataSync(), x.dataSync());
  assert.throws(() => padTo(x, 27), /padTo size 27/);
  assert.throws(() => centerCrop(x, 29), /centerCrop size 29/);
  tf.dispose([x, p, c, odd, same]);
  assert.equal(tf.memory().numTensors, before);
});

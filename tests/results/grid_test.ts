import { assert } from "../_assert.ts";
import { makeGrid, toByte } from "../../src/results/grid.ts";

Deno.test("toByte maps [-1, 1] to 0–255, clamped", () => {
  assert.deepEqual(
    [-1, -2, 0, 1, 5, NaN, -0.5].map(toByte),
    [0, 0, 128, 255, 255, 0, 64],
  );
});

Deno.test("makeGrid: known pixels of a 3-image, 2-column gray grid", () => {
  // three 2×2 images with constant values -1, 0, 1
  const h = 2, w = 2;
  const images = new Float32Array([
    -1,
    -1,
    -1,
    -1,
    0,
    0,
    0,
    0,
    1,
    1,
    1,
    1,
  ]);
  const g = makeGrid(images, 3, h, w, 1, { cols: 2, padding: 1, padValue: 7 });
  assert.deepEqual([g.width, g.height, g.channels], [7, 7, 1]);
  const at = (x: number, y: number) => g.pixels[y * g.width + x];
  // row 0: image 0 at (1,1), image 1 at (4,1); row 1: image 2 at (1,4)
  assert.deepEqual(
    [at(1, 1), at(2, 2), at(4, 1), at(5, 2), at(1, 4), at(2, 5)],
    [0, 0, 128, 128, 255, 255],
  );
  // padding and the empty fourth slot
  assert.deepEqual([at(0, 0), at(3, 1), at(6, 6), at(4, 4), at(5, 5)], [
    7,
    7,
    7,
    7,
    7,
  ]);
});

Deno.test("makeGrid: RGB images keep channel order and row-major layout", () => {
  // 4 images of 1×2 RGB; image k pixel x = values distinguishing k, x, channel
  const count = 4, h = 1, w = 2, c = 3;
  const images = new Float32Array(count * h * w * c);
  for (let k = 0; k < count; k++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        images[(k * w + x) * c + ch] = (k * 6 + x * 3 + ch) / 127.5 - 1;
      }
    }
  }
  const g = makeGrid(images, count, h, w, c, { padding: 0 });
  assert.deepEqual([g.width, g.height], [4, 2]); // 2 columns by default
  for (let k = 0; k < count; k++) {
    const top = Math.floor(k / 2) * h, left = (k % 2) * w;
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        assert.equal(
          g.pixels[(top * g.width + left + x) * c + ch],
          k * 6 + x * 3 + ch,
        );
      }
    }
  }
});

Deno.test("makeGrid: an 8×8 grid of 28×28 images has the expected size", () => {
  const g = makeGrid(new Float32Array(64 * 28 * 28), 64, 28, 28, 1);
  assert.deepEqual([g.width, g.height], [8 * 30 + 2, 8 * 30 + 2]);
  assert.throws(
    () => makeGrid(new Float32Array(3), 1, 1, 1, 1),
    /expected 1×1×1×1 = 1 values, got 3/,
  );
  assert.throws(
    () => makeGrid(new Float32Array(2), 1, 1, 1, 2),
    /channels must be 1 or 3/,
  );
});

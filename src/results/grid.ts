/**
 * Sample grids: a batch of generated NHWC images in [-1, 1] laid out
 * row-major on one 8-bit image. Conditional variants pass their samples
 * ordered one label per row (the caller orders them; the grid only lays
 * them out).
 *
 * @module
 */
import type { RasterImage } from "./png.ts";

/** Options of {@linkcode makeGrid}. */
export interface GridOptions {
  /** Images per row; default ⌈√count⌉. */
  cols?: number;
  /** Pixels between images and around the border; default 2. */
  padding?: number;
  /** Gray level (0–255) of the padding and of empty slots; default 128. */
  padValue?: number;
}

/**
 * Maps a value in [-1, 1] to 0–255: round((x + 1) · 127.5), clamped;
 * NaN becomes 0.
 *
 * @param x The value.
 * @returns The byte.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toByte } from "./grid.ts";
 * assert.deepEqual([toByte(-1), toByte(0), toByte(1)], [0, 128, 255]);
 * assert.equal(toByte(NaN), 0);
 * ```
 */
export function toByte(x: number): number {
  if (!(x === x)) return 0;
  const v = Math.round((x + 1) * 127.5);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Lays out `count` images of h×w×c on a grid: image k goes to row
 * ⌊k / cols⌋, column k mod cols; `padding` pixels separate the images and
 * surround the grid.
 *
 * @param images `count * h * w * c` floats in [-1, 1], NHWC.
 * @param count Number of images (≥ 1).
 * @param h Image height.
 * @param w Image width.
 * @param c Channels (1 or 3).
 * @param options Layout, see {@linkcode GridOptions}.
 * @returns An image of `rows·(h+p)+p` × `cols·(w+p)+p` pixels with `c`
 *   channels, where rows = ⌈count / cols⌉.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeGrid } from "./grid.ts";
 * const g = makeGrid(new Float32Array(4 * 28 * 28), 4, 28, 28, 1, { padding: 2 });
 * assert.deepEqual([g.width, g.height], [62, 62]);
 * ```
 */
export function makeGrid(
  images: Float32Array,
  count: number,
  h: number,
  w: number,
  c: number,
  options: GridOptions = {},
): RasterImage {
  if (c !== 1 && c !== 3) {
    throw new Error(`makeGrid: channels must be 1 or 3, got ${c}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`makeGrid: count must be a positive integer, got ${count}`);
  }
  if (images.length !== count * h * w * c) {
    throw new Error(
      `makeGrid: expected ${count}×${h}×${w}×${c} = ${
        count * h * w * c
      } values, got ${images.length}`,
    );
  }
  const cols = options.cols ?? Math.ceil(Math.sqrt(count));
  const padding = options.padding ?? 2;
  const padValue = options.padValue ?? 128;
  if (!Number.isInteger(cols) || cols < 1) {
    throw new Error(`makeGrid: cols must be a positive integer, got ${cols}`);
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new Error(
      `makeGrid: padding must be a non-negative integer, got ${padding}`,
    );
  }
  const rows = Math.ceil(count / cols);
  const width = cols * (w + padding) + padding;
  const height = rows * (h + padding) + padding;
  const pixels = new Uint8Array(width * height * c).fill(padValue);
  for (let k = 0; k < count; k++) {
    const top = padding + Math.floor(k / cols) * (h + padding);
    const left = padding + (k % cols) * (w + padding);
    const src = k * h * w * c;
    for (let y = 0; y < h; y++) {
      let out = ((top + y) * width + left) * c;
      let inp = src + y * w * c;
      for (let x = 0; x < w * c; x++) pixels[out++] = toByte(images[inp++]);
    }
  }
  return { pixels, width, height, channels: c };
}

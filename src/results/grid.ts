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

/** Shape of one image: height, width, channels. */
export interface TripletShape {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels. */
  channels: number;
}

/**
 * Lays out input | output | target triplets of a translation task, one
 * triplet per row, in the target's channel count: a 1-channel input beside
 * RGB outputs is shown as grey, and an input with another channel count
 * (the inpainting input: masked image, mask) as its first channel.
 *
 * @param input Inputs, NHWC in [−1, 1] (`count × inputShape` values).
 * @param output Outputs, NHWC in [−1, 1] (`count × targetShape`).
 * @param target Targets, the same shape as `output`.
 * @param count Triplets (rows).
 * @param inputShape Shape of one input (same height and width as the target).
 * @param targetShape Shape of one output and target (1 or 3 channels).
 * @returns The grid image, 3 columns.
 * @example
 * ```ts
 * import { tripletGrid } from "./grid.ts";
 * import assert from "node:assert/strict";
 * const input = new Float32Array(2 * 2 * 2 * 1).fill(-1); // grey input
 * const rgb = new Float32Array(2 * 2 * 2 * 3).fill(1);
 * const grid = tripletGrid(input, rgb, rgb, 2, { height: 2, width: 2, channels: 1 }, { height: 2, width: 2, channels: 3 });
 * assert.deepEqual([grid.width, grid.height, grid.channels], [14, 10, 3]);
 * assert.deepEqual([...grid.pixels.subarray((2 * 14 + 2) * 3, (2 * 14 + 2) * 3 + 3)], [0, 0, 0]);
 * ```
 */
export function tripletGrid(
  input: Float32Array,
  output: Float32Array,
  target: Float32Array,
  count: number,
  inputShape: TripletShape,
  targetShape: TripletShape,
): RasterImage {
  const { height: h, width: w, channels: c } = targetShape;
  const ci = inputShape.channels;
  if (inputShape.height !== h || inputShape.width !== w) {
    throw new Error(
      `tripletGrid: input ${inputShape.height}×${inputShape.width} differs from target ${h}×${w}`,
    );
  }
  const pixels = h * w;
  const images = new Float32Array(3 * count * pixels * c);
  for (let k = 0; k < count; k++) {
    const base = 3 * k * pixels * c;
    for (let p = 0; p < pixels; p++) {
      for (let ch = 0; ch < c; ch++) {
        // Same channel count: as is; else the input's first channel.
        const from = ci === c ? ch : 0;
        images[base + p * c + ch] = input[(k * pixels + p) * ci + from];
      }
    }
    images.set(
      output.subarray(k * pixels * c, (k + 1) * pixels * c),
      base + pixels * c,
    );
    images.set(
      target.subarray(k * pixels * c, (k + 1) * pixels * c),
      base + 2 * pixels * c,
    );
  }
  return makeGrid(images, 3 * count, h, w, c, { cols: 3 });
}

/**
 * A tiny generated data set with the same API as the real ones, for fast
 * tests: small images of four shape classes (square, cross, circle,
 * stripes) with seeded jitter in position, intensity and noise.
 *
 * @module
 */
import { md5Hex } from "./checksum.ts";
import { mulberry32 } from "../util/random.ts";
import type { Rng } from "../util/random.ts";
import type { Dataset, Split, SyntheticOptions } from "./types.ts";

/** Synthetic class names, index = label. */
export const SYNTHETIC_CLASS_NAMES: readonly string[] = [
  "square",
  "cross",
  "circle",
  "stripes",
];

/** Colours (RGB, 0…1) of the classes when 3 channels are requested. */
const COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [1, 0.25, 0.25],
  [0.25, 1, 0.25],
  [0.3, 0.4, 1],
  [1, 0.9, 0.2],
];

/** Whether pixel (x, y) is on for class `label` with the given centre. */
function shapeOn(
  label: number,
  x: number,
  y: number,
  cx: number,
  cy: number,
  r: number,
): boolean {
  const dx = x - cx;
  const dy = y - cy;
  const cheb = Math.max(Math.abs(dx), Math.abs(dy));
  switch (label) {
    case 0: // square outline
      return Math.abs(cheb - r) <= 0.5;
    case 1: // plus-shaped cross
      return cheb <= r + 0.5 && (Math.abs(dx) <= 0.5 || Math.abs(dy) <= 0.5);
    case 2: // ring
      return Math.abs(Math.hypot(dx, dy) - r) <= 0.6;
    default: // horizontal stripes every 3 rows
      return (((Math.round(y - cy) % 3) + 3) % 3) === 0;
  }
}

function generateSplit(
  count: number,
  size: number,
  channels: number,
  rng: Rng,
): Split {
  const images = new Uint8Array(count * size * size * channels);
  const labels = new Uint8Array(count);
  const r = Math.max(1, Math.round(size * 0.3));
  for (let i = 0; i < count; i++) {
    const label = i % SYNTHETIC_CLASS_NAMES.length;
    labels[i] = label;
    const cx = (size - 1) / 2 + Math.floor(rng() * 3) - 1;
    const cy = (size - 1) / 2 + Math.floor(rng() * 3) - 1;
    const intensity = 0.7 + 0.3 * rng();
    const colour = COLOURS[label];
    const base = i * size * size * channels;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const on = shapeOn(label, x, y, Math.round(cx), Math.round(cy), r);
        for (let c = 0; c < channels; c++) {
          const tint = channels === 3 ? colour[c] : 1;
          const v = (on ? 235 * intensity * tint : 0) + rng() * 20;
          images[base + (y * size + x) * channels + c] = Math.min(
            255,
            Math.round(v),
          );
        }
      }
    }
  }
  return { images, labels, count };
}

/**
 * Generates the synthetic data set (deterministic for a given seed).
 *
 * @param options Size (default 16: SSIM needs at least 11×11), channels (1 or 3, default 1), split sizes
 *   (default 512 / 128) and seed (default 1).
 * @returns The data set (`size`×`size`×`channels`, 4 classes, balanced labels).
 * @example
 * ```ts
 * import { loadSynthetic } from "./synthetic.ts";
 * const ds = loadSynthetic({ channels: 3 });
 * ds.train.count; // 512
 * ```
 */
export function loadSynthetic(options: SyntheticOptions = {}): Dataset {
  const size = options.size ?? 16;
  const channels = options.channels ?? 1;
  const trainCount = options.trainCount ?? 512;
  const testCount = options.testCount ?? 128;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(size) || size < 8) {
    throw new Error(`synthetic size ${size}: must be an integer ≥ 8`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new Error(`synthetic channels ${channels}: must be 1 or 3`);
  }
  for (
    const [name, n] of [["trainCount", trainCount], [
      "testCount",
      testCount,
    ]] as const
  ) {
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`synthetic ${name} ${n}: must be a positive integer`);
    }
  }
  const train = generateSplit(trainCount, size, channels, mulberry32(seed));
  const test = generateSplit(
    testCount,
    size,
    channels,
    mulberry32((seed ^ 0x5eed1e57) >>> 0),
  );
  return {
    id: "synthetic",
    height: size,
    width: size,
    channels,
    numClasses: SYNTHETIC_CLASS_NAMES.length,
    classNames: [...SYNTHETIC_CLASS_NAMES],
    train,
    test,
    source: `synthetic (seed ${seed}, ${size}x${size}x${channels})`,
    checksums: {
      "train-images": md5Hex(train.images),
      "train-labels": md5Hex(train.labels),
      "test-images": md5Hex(test.images),
      "test-labels": md5Hex(test.labels),
    },
  };
}

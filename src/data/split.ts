/**
 * Small helpers on {@linkcode Split}s.
 *
 * @module
 */
import type { Split } from "./types.ts";

/**
 * The number of images per class.
 *
 * @param split The split.
 * @param numClasses The number of classes.
 * @returns `counts[k]` = images with label k.
 * @example
 * ```ts
 * import { classCounts } from "./split.ts";
 * classCounts({ images: new Uint8Array(3), labels: new Uint8Array([0, 1, 1]), count: 3 }, 2); // [1, 2]
 * ```
 */
export function classCounts(split: Split, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i];
    if (label >= numClasses) {
      throw new Error(
        `classCounts: label ${label} at index ${i} is out of range 0…${
          numClasses - 1
        }`,
      );
    }
    counts[label]++;
  }
  return counts;
}

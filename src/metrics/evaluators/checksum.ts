/**
 * The checksum of an evaluator whose outputs depend on settings besides its
 * weights: what rows record as `evaluator_md5`, what `compare` matches, and
 * what the cached real-image features are keyed on.
 *
 * @module
 */
import { md5Hex } from "../../data/checksum.ts";
import type { ImageShape3 } from "./types.ts";

/**
 * What an external evaluator reads besides its weights: every setting that
 * changes its features or probabilities, defaults resolved.
 */
export interface EvaluatorSettings {
  /** The feature output (layer or node name). */
  featureOutput: string;
  /** The logits output (softmax applied), or null. */
  logitsOutput: string | null;
  /** The probabilities output (used as is), or null. */
  probabilitiesOutput: string | null;
  /** The network input `[height, width, channels]` images are resized to. */
  inputShape: ImageShape3;
  /** The pixel range [−1, 1] is mapped onto. */
  inputRange: [number, number];
}

/**
 * The checksum of an external evaluator (see `Evaluator.checksum` in `types.ts`):
 * md5 of a canonical JSON (fixed key order) of the weights' md5 and the
 * {@linkcode EvaluatorSettings}, so that editing an output name, the input
 * size or the input range gives another checksum, another feature-cache
 * entry, and rows `compare` refuses to set beside the old ones.
 *
 * @param weightsMd5 md5 (hex) of the weight files, concatenated in order.
 * @param settings The settings in effect (defaults resolved).
 * @returns 32 hex digits.
 * @example
 * ```ts
 * import { evaluatorChecksum } from "./checksum.ts";
 * import assert from "node:assert/strict";
 * const settings = {
 *   featureOutput: "avg_pool",
 *   logitsOutput: null,
 *   probabilitiesOutput: "predictions",
 *   inputShape: [299, 299, 3] as [number, number, number],
 *   inputRange: [-1, 1] as [number, number],
 * };
 * const a = evaluatorChecksum("0".repeat(32), settings);
 * const b = evaluatorChecksum("0".repeat(32), { ...settings, inputRange: [0, 1] });
 * assert.match(a, /^[0-9a-f]{32}$/);
 * assert.notEqual(a, b);
 * ```
 */
export function evaluatorChecksum(
  weightsMd5: string,
  settings: EvaluatorSettings,
): string {
  const canonical = JSON.stringify({
    weightsMd5,
    featureOutput: settings.featureOutput,
    logitsOutput: settings.logitsOutput,
    probabilitiesOutput: settings.probabilitiesOutput,
    inputShape: settings.inputShape,
    inputRange: settings.inputRange,
  });
  return md5Hex(new TextEncoder().encode(canonical));
}

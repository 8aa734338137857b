/**
 * The FID Inception-v3 as an {@linkcode Evaluator}: pool3 features (FID, KID)
 * and softmax of the unbiased logits (IS, as torch-fidelity computes it), with
 * the input convention part of its id and checksum so that numbers from
 * different weights or input settings are never mixed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { md5Hex } from "../../../data/checksum.ts";
import type { Evaluator, EvaluatorOutputs, ImageShape3 } from "../types.ts";
import { FEATURE_DIM, INPUT_SIZE, NUM_CLASSES } from "./architecture.ts";
import { FidInceptionV3 } from "./network.ts";
import {
  INCEPTION_CONVENTIONS,
  type InceptionConvention,
  prepareInceptionInput,
} from "./resize.ts";
import type { StateDict } from "./state_dict.ts";

/** Id stem of the evaluator; the convention follows after a slash. */
export const INCEPTION_EVALUATOR_ID = "inception-fid-2015-12-05";

/** Options of {@linkcode createInceptionEvaluator}. */
export interface InceptionEvaluatorOptions {
  /** Input convention: `pytorch` (pytorch-fid) or `tf1` (TTUR, torch-fidelity). */
  convention: InceptionConvention;
  /** md5 (hex) of the weight file the state dict came from. */
  weightsMd5: string;
  /** Images per forward pass (default 16). */
  batchSize?: number;
  /** What the weights are (e.g. the file path), for error messages. */
  source?: string;
  /**
   * Id stem (default {@linkcode INCEPTION_EVALUATOR_ID}): other weights than
   * pytorch-fid's file (a test network, another checkpoint) get another
   * stem, so their rows never read as the field's FID.
   */
  idStem?: string;
}

/** The evaluator plus the outputs FID/IS tools differ on. */
export interface InceptionEvaluator extends Evaluator {
  /** The input convention. */
  readonly convention: InceptionConvention;
  /**
   * Logits of images.
   *
   * @param images NHWC in [−1, 1].
   * @param unbiased Without the fc bias (torch-fidelity's `logits_unbiased`).
   * @returns `[N, 1008]`.
   */
  logits(images: tf.Tensor4D, unbiased?: boolean): tf.Tensor2D;
}

/**
 * The evaluator's checksum: md5 of `<weights md5>|<convention>`, so it
 * identifies the weights and every input setting.
 *
 * @param weightsMd5 md5 of the weight file.
 * @param convention The input convention.
 * @returns 32 hex digits.
 * @example
 * ```ts
 * import { inceptionChecksum } from "./evaluator.ts";
 * inceptionChecksum("0123456789abcdef0123456789abcdef", "tf1").length; // 32
 * ```
 */
export function inceptionChecksum(
  weightsMd5: string,
  convention: InceptionConvention,
): string {
  return md5Hex(new TextEncoder().encode(`${weightsMd5}|${convention}`));
}

/**
 * Creates the FID Inception-v3 evaluator.
 *
 * @param weights A state dict with pytorch-fid's keys, or a network already
 *   built from one (then shared: the evaluator does not dispose it).
 * @param options Convention, weights md5, batch size.
 * @returns The evaluator (id `<idStem>/<convention>`, by default
 *   `inception-fid-2015-12-05/<convention>`); dispose it.
 * @throws {Error} On an unknown convention, a bad batch size, or a missing /
 *   mis-shaped weight.
 * @example
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs-core";
 * import { createInceptionEvaluator } from "./evaluator.ts";
 * import { formulaStateDict } from "./formula_weights.ts";
 * const ev = createInceptionEvaluator(formulaStateDict(), {
 *   convention: "pytorch",
 *   weightsMd5: "formula",
 * });
 * const f = ev.features(tf.zeros([2, 32, 32, 3])); // [2, 2048]
 * ev.dispose();
 * ```
 */
export function createInceptionEvaluator(
  weights: StateDict | FidInceptionV3,
  options: InceptionEvaluatorOptions,
): InceptionEvaluator {
  const { convention } = options;
  if (!INCEPTION_CONVENTIONS.includes(convention)) {
    throw new Error(
      `Inception evaluator: unknown convention "${convention}" (expected ${
        INCEPTION_CONVENTIONS.join(" or ")
      })`,
    );
  }
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(
      `Inception evaluator: batch size must be a positive integer, got ${batchSize}`,
    );
  }
  const owned = !(weights instanceof FidInceptionV3);
  const net = weights instanceof FidInceptionV3
    ? weights
    : FidInceptionV3.fromStateDict(weights, options.source);
  const id = `${options.idStem ?? INCEPTION_EVALUATOR_ID}/${convention}`;
  let disposed = false;

  /** Runs the batches; `pick` keeps what the caller wants from each. */
  const run = (
    images: tf.Tensor4D,
    pick: (x: tf.Tensor4D) => tf.Tensor2D[],
    widths: number[],
  ): tf.Tensor2D[] => {
    if (disposed) throw new Error(`evaluator ${id}: already disposed`);
    if (images.rank !== 4) {
      throw new Error(
        `evaluator ${id}: images must be NHWC [N, h, w, c], got shape [${images.shape}]`,
      );
    }
    const n = images.shape[0];
    const parts: tf.Tensor2D[][] = widths.map(() => []);
    try {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const outs = tf.tidy(() => {
          const chunk = size === n
            ? images
            : tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
          return pick(prepareInceptionInput(chunk, convention));
        });
        outs.forEach((t, i) => parts[i].push(t));
      }
      return parts.map((ts, i) =>
        ts.length === 0
          ? tf.zeros([0, widths[i]]) as tf.Tensor2D
          : ts.length === 1
          ? ts[0]
          : tf.concat(ts, 0)
      );
    } finally {
      for (const ts of parts) if (ts.length > 1) tf.dispose(ts);
    }
  };
  const probs = (pool3: tf.Tensor2D) => tf.softmax(net.logits(pool3, false));

  return {
    id,
    checksum: inceptionChecksum(options.weightsMd5, convention),
    featureDim: FEATURE_DIM,
    numClasses: NUM_CLASSES,
    inputShape: [INPUT_SIZE, INPUT_SIZE, 3] as ImageShape3,
    batchSize,
    convention,
    features: (images) => run(images, (x) => [net.pool3(x)], [FEATURE_DIM])[0],
    probabilities: (images) =>
      run(images, (x) => [probs(net.pool3(x))], [NUM_CLASSES])[0],
    predict: (images): EvaluatorOutputs => {
      const [features, probabilities] = run(images, (x) => {
        const f = net.pool3(x);
        return [f, probs(f)];
      }, [FEATURE_DIM, NUM_CLASSES]);
      return { features, probabilities };
    },
    logits: (images, unbiased = false) =>
      run(
        images,
        (x) => [net.logits(net.pool3(x), !unbiased)],
        [NUM_CLASSES],
      )[0],
    dispose: () => {
      if (!disposed && owned) net.dispose();
      disposed = true;
    },
  };
}

/**
 * Discriminator equilibrium statistics: d_real, d_fake, d_auc, eq_gap,
 * w_estimate, d_loss_gap.
 *
 * @module
 */

/**
 * What the equilibrium statistics need to know of the loss. A loss of the
 * registry (`getLoss(id)`) has both facts.
 */
export interface EquilibriumLoss {
  /**
   * Whether D's score reads as a probability: d_real/d_fake are then mean
   * σ(s) (minimax, ns), else mean raw s.
   */
  probability: boolean;
  /**
   * The loss's D loss at the equilibrium D = ½ (docs/models_and_losses.md#equilibrium-values): 2 ln 2 for
   * minimax/ns, 0.25 for lsgan, 0 for wgan/wgan-gp, 2 for hinge.
   */
  equilibriumDLoss: number;
}

/** Input of {@linkcode equilibrium}. */
export interface EquilibriumInput {
  /** D's raw scores s on held-out real test images. */
  realScores: ArrayLike<number>;
  /** D's raw scores on generated images. */
  fakeScores: ArrayLike<number>;
  /** D's raw scores on real train images (for d_auc_train); optional. */
  trainScores?: ArrayLike<number>;
  /** The loss's probability flag and equilibrium D loss. */
  loss: EquilibriumLoss;
  /** Mean D loss over the interval (NaN when unknown). */
  dLoss?: number;
}

/** Output of {@linkcode equilibrium}; fields named as the CSV columns. */
export interface EquilibriumStats {
  /** Mean σ(s_r) (probability losses) or mean raw s_r. */
  d_real: number;
  /** Mean σ(s_f) (probability losses) or mean raw s_f. */
  d_fake: number;
  /** ROC AUC of raw scores, real test (positive) vs fake; ties count ½. */
  d_auc: number;
  /** The same with real train images; NaN without train scores. */
  d_auc_train: number;
  /** 2·|d_auc − 0.5|. */
  eq_gap: number;
  /** mean s_r − mean s_f. */
  w_estimate: number;
  /** dLoss − the loss's value at D = ½ (`equilibriumDLoss`). */
  d_loss_gap: number;
}

/**
 * ROC AUC of scores separating positives (higher = positive) from
 * negatives, by the Mann–Whitney U statistic with mid-ranks (a tie between
 * a positive and a negative counts ½). O((P+N) log(P+N)).
 *
 * @param positive Scores of the positive class (real images).
 * @param negative Scores of the negative class (fakes).
 * @returns P(s_pos > s_neg) + ½ P(s_pos = s_neg).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rocAuc } from "./equilibrium.ts";
 * assert.equal(rocAuc([2, 3], [0, 1]), 1);
 * assert.equal(rocAuc([1, 1], [1, 1]), 0.5);
 * assert.equal(rocAuc([0, 2], [1]), 0.5);
 * assert.throws(() => rocAuc([], [1]), /both classes/);
 * ```
 */
export function rocAuc(
  positive: ArrayLike<number>,
  negative: ArrayLike<number>,
): number {
  const np = positive.length;
  const nn = negative.length;
  if (np === 0 || nn === 0) {
    throw new Error(
      `rocAuc: AUC needs scores of both classes, got ${np} positive and ${nn} negative`,
    );
  }
  const all = new Float64Array(np + nn);
  for (let i = 0; i < np; i++) all[i] = positive[i];
  for (let i = 0; i < nn; i++) all[np + i] = negative[i];
  for (let i = 0; i < all.length; i++) {
    if (Number.isNaN(all[i])) {
      throw new Error(
        `rocAuc: AUC got a NaN score at index ${i}`,
      );
    }
  }
  const order = Array.from({ length: all.length }, (_, i) => i);
  order.sort((x, y) => all[x] - all[y]);
  // Sum of (mid-)ranks of the positives, ranks starting at 1.
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && all[order[j + 1]] === all[order[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (order[k] < np) rankSum += mid;
    i = j + 1;
  }
  return (rankSum - (np * (np + 1)) / 2) / (np * nn);
}

/** Numerically stable σ(s). */
function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

function mean(values: ArrayLike<number>, f: (v: number) => number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += f(values[i]);
  return s / values.length;
}

/**
 * Discriminator equilibrium statistics from D's raw scores (docs/metrics.md#discriminator-equilibrium).
 *
 * @param input Scores, the loss's facts and the interval's mean D loss.
 * @returns The statistics, named as the metrics columns.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { equilibrium } from "./equilibrium.ts";
 * // The facts of the `ns` loss (`getLoss("ns")` has the same two fields).
 * const ns = { probability: true, equilibriumDLoss: 2 * Math.LN2 };
 * const eq = equilibrium({
 *   realScores: [0, 0],
 *   fakeScores: [0, 0],
 *   trainScores: [1, 2],
 *   loss: ns,
 *   dLoss: 2 * Math.LN2,
 * });
 * assert.deepEqual(eq, {
 *   d_real: 0.5, // σ(0)
 *   d_fake: 0.5,
 *   d_auc: 0.5,
 *   d_auc_train: 1,
 *   eq_gap: 0,
 *   w_estimate: 0,
 *   d_loss_gap: 0,
 * });
 * const wgan = { probability: false, equilibriumDLoss: 0 };
 * const w = equilibrium({ realScores: [3, 5], fakeScores: [-1, 1], loss: wgan });
 * assert.equal(w.d_real, 4); // raw scores
 * assert.equal(w.w_estimate, 4);
 * assert.ok(Number.isNaN(w.d_loss_gap)); // no D loss given
 * ```
 */
export function equilibrium(input: EquilibriumInput): EquilibriumStats {
  const { realScores, fakeScores, trainScores, loss } = input;
  const dAuc = rocAuc(realScores, fakeScores);
  const dAucTrain = trainScores && trainScores.length > 0
    ? rocAuc(trainScores, fakeScores)
    : NaN;
  const raw = (v: number) => v;
  const f = loss.probability ? sigmoid : raw;
  const dLoss = input.dLoss ?? NaN;
  return {
    d_real: mean(realScores, f),
    d_fake: mean(fakeScores, f),
    d_auc: dAuc,
    d_auc_train: dAucTrain,
    eq_gap: 2 * Math.abs(dAuc - 0.5),
    w_estimate: mean(realScores, raw) - mean(fakeScores, raw),
    d_loss_gap: dLoss - loss.equilibriumDLoss,
  };
}

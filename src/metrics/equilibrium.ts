/**
 * Discriminator equilibrium statistics: d_real, d_fake, d_auc, eq_gap,
 * w_estimate, d_loss_gap.
 *
 * @module
 */

/** The loss families of DESIGN.md §3. */
export type LossId = "minimax" | "ns" | "lsgan" | "wgan" | "wgan-gp" | "hinge";

/** Input of {@linkcode equilibrium}. */
export interface EquilibriumInput {
  /** D's raw scores s on held-out real test images. */
  realScores: ArrayLike<number>;
  /** D's raw scores on generated images. */
  fakeScores: ArrayLike<number>;
  /** D's raw scores on real train images (for d_auc_train); optional. */
  trainScores?: ArrayLike<number>;
  /** The loss id; minimax/ns report probabilities σ(s) for d_real/d_fake. */
  loss: LossId;
  /** Override of the loss's probability flag (default: minimax/ns). */
  probability?: boolean;
  /** Mean D loss over the interval (NaN when unknown). */
  dLoss?: number;
}

/** Output of {@linkcode equilibrium}; fields named as the CSV columns. */
export interface EquilibriumStats {
  /** Mean σ(s_r) (minimax/ns) or mean raw s_r. */
  d_real: number;
  /** Mean σ(s_f) (minimax/ns) or mean raw s_f. */
  d_fake: number;
  /** ROC AUC of raw scores, real test (positive) vs fake; ties count ½. */
  d_auc: number;
  /** The same with real train images; NaN without train scores. */
  d_auc_train: number;
  /** 2·|d_auc − 0.5|. */
  eq_gap: number;
  /** mean s_r − mean s_f. */
  w_estimate: number;
  /** dLoss − the loss's value at D = ½ ({@linkcode equilibriumDLoss}). */
  d_loss_gap: number;
}

/**
 * The D loss at the equilibrium D = ½ (DESIGN.md §3 definitions): 2 ln 2
 * for minimax/ns (σ(s) = ½), 0.25 for lsgan (s = ½ with the ½ factors),
 * 0 for wgan/wgan-gp, 2 for hinge (s = 0).
 *
 * @param loss The loss id.
 * @returns The equilibrium D loss.
 * @example
 * ```ts
 * import { equilibriumDLoss } from "./equilibrium.ts";
 * equilibriumDLoss("hinge"); // 2
 * ```
 */
export function equilibriumDLoss(loss: LossId): number {
  switch (loss) {
    case "minimax":
    case "ns":
      return 2 * Math.LN2;
    case "lsgan":
      return 0.25;
    case "wgan":
    case "wgan-gp":
      return 0;
    case "hinge":
      return 2;
    default:
      throw new Error(
        `src/metrics/equilibrium.ts: unknown loss '${loss}' (expected minimax, ns, lsgan, wgan, wgan-gp or hinge)`,
      );
  }
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
 * import { rocAuc } from "./equilibrium.ts";
 * rocAuc([2, 3], [0, 1]); // 1
 * rocAuc([1, 1], [1, 1]); // 0.5
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
      `src/metrics/equilibrium.ts: AUC needs scores of both classes, got ${np} positive and ${nn} negative`,
    );
  }
  const all = new Float64Array(np + nn);
  for (let i = 0; i < np; i++) all[i] = positive[i];
  for (let i = 0; i < nn; i++) all[np + i] = negative[i];
  for (let i = 0; i < all.length; i++) {
    if (Number.isNaN(all[i])) {
      throw new Error(
        `src/metrics/equilibrium.ts: AUC got a NaN score at index ${i}`,
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
 * Discriminator equilibrium statistics from D's raw scores (DESIGN.md §4).
 *
 * @param input Scores, loss id and the interval's mean D loss.
 * @returns The statistics, named as the metrics columns.
 * @example
 * ```ts
 * import { equilibrium } from "./equilibrium.ts";
 * const eq = equilibrium({
 *   realScores: [1.2, 0.4, 2.0],
 *   fakeScores: [-0.5, 0.1, -1.0],
 *   trainScores: [1.5, 0.9, 2.2],
 *   loss: "ns",
 *   dLoss: 1.1,
 * });
 * eq.d_auc; // 1
 * ```
 */
export function equilibrium(input: EquilibriumInput): EquilibriumStats {
  const { realScores, fakeScores, trainScores, loss } = input;
  const eqLoss = equilibriumDLoss(loss);
  const probability = input.probability ??
    (loss === "minimax" || loss === "ns");
  const dAuc = rocAuc(realScores, fakeScores);
  const dAucTrain = trainScores && trainScores.length > 0
    ? rocAuc(trainScores, fakeScores)
    : NaN;
  const raw = (v: number) => v;
  const f = probability ? sigmoid : raw;
  const dLoss = input.dLoss ?? NaN;
  return {
    d_real: mean(realScores, f),
    d_fake: mean(fakeScores, f),
    d_auc: dAuc,
    d_auc_train: dAucTrain,
    eq_gap: 2 * Math.abs(dAuc - 0.5),
    w_estimate: mean(realScores, raw) - mean(fakeScores, raw),
    d_loss_gap: dLoss - eqLoss,
  };
}

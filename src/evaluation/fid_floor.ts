/**
 * `fid_floor` and `fid_floor_std`: FID of real train images against the test
 * statistics, over several training subsets of `nEval` images, so that the
 * floor comes with its own spread.
 *
 * @module
 */
import { fixedSubset } from "../data/sampler.ts";
import type { Dataset } from "../data/types.ts";
import { featureStats, fidFromStats } from "../metrics/mod.ts";
import type { FeatureStats } from "../metrics/mod.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import { imagesAt } from "../train/real_batch.ts";
import { featuresInChunks, nativeShape, REAL_SUBSET_SEED } from "./sampling.ts";
import type { EvaluatorNetwork } from "./types.ts";

/** Training subsets `fid_floor` is averaged over. */
export const FID_FLOOR_SUBSETS = 5;

/** `fid_floor` over several subsets. */
export interface FidFloor {
  /** Mean FID over the subsets (`fid_floor`). */
  mean: number;
  /** Sample standard deviation (n − 1) over the subsets (`fid_floor_std`). */
  std: number;
  /** The FID of each subset. */
  values: number[];
}

/**
 * The training subsets of `fid_floor`: disjoint slices of one seeded
 * permutation of the train split when `subsets · n` images fit in it (the
 * first slice is the single subset earlier versions used), else `subsets`
 * independently seeded random subsets (which may overlap).
 *
 * @param trainCount Images in the train split.
 * @param n Images per subset (`nEval`).
 * @param subsets Number of subsets.
 * @returns The row indices of each subset.
 * @throws Error when `n` exceeds the train split.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { floorSubsets } from "./fid_floor.ts";
 * const parts = floorSubsets(100, 20, 5);
 * assert.equal(new Set(parts.flatMap((p) => Array.from(p))).size, 100); // disjoint
 * ```
 */
export function floorSubsets(
  trainCount: number,
  n: number,
  subsets: number,
): Int32Array[] {
  if (subsets * n <= trainCount) {
    const all = fixedSubset(trainCount, subsets * n, REAL_SUBSET_SEED);
    return Array.from(
      { length: subsets },
      (_, k) => all.subarray(k * n, (k + 1) * n),
    );
  }
  return Array.from(
    { length: subsets },
    (_, k) =>
      fixedSubset(
        trainCount,
        n,
        k === 0 ? REAL_SUBSET_SEED : REAL_SUBSET_SEED + 100 + k,
      ),
  );
}

/**
 * FID of `nEval` real train images against the test statistics, for each of
 * {@linkcode FID_FLOOR_SUBSETS} subsets (see {@linkcode floorSubsets}).
 *
 * @param dataset The data set.
 * @param evaluator The evaluator network.
 * @param sizes The evaluation sizes (`nEval`, `singularFid`).
 * @param realStats The test-split statistics.
 * @param subsets Number of subsets (default {@linkcode FID_FLOOR_SUBSETS}).
 * @returns Mean, sample std and the values.
 * @example
 * ```ts
 * import { fidFloor } from "./fid_floor.ts";
 * import type { Dataset } from "../data/types.ts";
 * import type { FeatureStats } from "../metrics/mod.ts";
 * import type { EvaluationSizes } from "../spec/types.ts";
 * import type { EvaluatorNetwork } from "./types.ts";
 * declare const dataset: Dataset;
 * declare const evaluator: EvaluatorNetwork;
 * declare const sizes: EvaluationSizes;
 * declare const realStats: FeatureStats;
 * const floor = await fidFloor(dataset, evaluator, sizes, realStats);
 * floor.mean; // fid_floor; floor.std is fid_floor_std
 * ```
 */
export async function fidFloor(
  dataset: Dataset,
  evaluator: EvaluatorNetwork,
  sizes: EvaluationSizes,
  realStats: FeatureStats,
  subsets: number = FID_FLOOR_SUBSETS,
): Promise<FidFloor> {
  const native = nativeShape(dataset);
  const values: number[] = [];
  for (const idx of floorSubsets(dataset.train.count, sizes.nEval, subsets)) {
    const features = featuresInChunks(
      evaluator,
      (start, end) =>
        imagesAt(dataset, dataset.train, idx.subarray(start, end), native),
      idx.length,
    );
    try {
      values.push(
        fidFromStats(await featureStats(features), realStats, {
          allowSingular: sizes.singularFid === "warn",
        }),
      );
    } finally {
      features.dispose();
    }
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? NaN : Math.sqrt(
    values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1),
  );
  return { mean, std, values };
}

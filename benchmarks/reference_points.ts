/**
 * Reference points of the metrics per data set, for reading any number that
 * `bench` writes: IS of the test set, FID and KID of test half vs test half,
 * FID and KID of N real train images vs the test set for the N the profiles
 * use (= `fid_floor`, what a perfect generator would get), and the
 * nearest-neighbour PSNR/SSIM and SSIM diversity of real images, and
 * precision/recall/density/coverage of N train images vs the test set;
 * the evaluator's test accuracy (the `label_acc` of a perfect conditional
 * generator) and `classes_covered` / `class_kl` of N train images against
 * the test set's predicted classes.
 *
 * Usage: `deno task reference-points [mnist fashion …]` (prints Markdown).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import { loadDataset } from "../src/data/registry.ts";
import type { Dataset } from "../src/data/types.ts";
import { fixedSubset } from "../src/data/sampler.ts";
import { loadEvaluator } from "../src/metrics/evaluators/load.ts";
import type { Evaluator } from "../src/metrics/evaluators/types.ts";
import {
  classCounts,
  featureStats,
  fidFromStats,
  inceptionScore,
  kid,
  labelAccuracy,
  modeCoverage,
  prdc,
  prdcReal,
  predictedClasses,
  psnrSsimNearest,
  ssimDiversity,
  toUnitRange,
} from "../src/metrics/mod.ts";
import { imagesAt } from "../src/train/real_batch.ts";
import {
  nativeShape,
  predictInChunks,
  REAL_SUBSET_SEED,
} from "../src/evaluation/suite.ts";
import { BUILTIN_CONFIG } from "../src/spec/defaults.ts";

const SIZES = [256, 2000, 10000];

// The evaluation sizes of a cell that sets none.
const {
  isSplits,
  kidSubsets,
  kidSubsetSize,
  nNeighbour,
  nNeighbourPool,
  nSsimPairs,
} = BUILTIN_CONFIG;

function embed(
  evaluator: Evaluator,
  dataset: Dataset,
  split: "train" | "test",
  indices: Int32Array,
): { features: tf.Tensor2D; probabilities: tf.Tensor2D } {
  return predictInChunks(
    evaluator,
    (start, end) =>
      imagesAt(
        dataset,
        dataset[split],
        indices.subarray(start, end),
        nativeShape(dataset),
      ),
    indices.length,
  );
}

const info = await initBackend("auto");
console.log(`<!-- ${info.message} -->`);
const ids = Deno.args.length > 0 ? Deno.args : ["mnist", "fashion", "cifar10"];
const rows: string[] = [];
for (const id of ids) {
  const dataset = await loadDataset(id);
  const evaluator = await loadEvaluator(id);
  const all = Int32Array.from({ length: dataset.test.count }, (_, i) => i);
  const test = embed(evaluator, dataset, "test", all);
  const testStats = await featureStats(test.features);
  const is = await inceptionScore(test.probabilities, { splits: isSplits });
  // Mode coverage and label accuracy: the evaluator's predicted classes of
  // the test set are the real class histogram (as in the evaluation), and
  // its test accuracy is what a perfect conditional generator's label_acc
  // would be.
  const numClasses = test.probabilities.shape[1];
  const testClasses = await predictedClasses(test.probabilities);
  const testClassCounts = classCounts(testClasses, numClasses);
  rows.push(
    `| ${id} | ${evaluator.id} | evaluator test accuracy (= label_acc of a perfect conditional generator) | ${
      labelAccuracy(testClasses, dataset.test.labels).toFixed(4)
    } |`,
  );

  // Test half vs test half (a seeded split).
  const perm = fixedSubset(
    dataset.test.count,
    dataset.test.count,
    REAL_SUBSET_SEED + 9,
  );
  const half = dataset.test.count / 2;
  const [a, b] = [perm.subarray(0, half), perm.subarray(half)].map((idx) =>
    tf.gather(test.features, tf.tensor1d(idx, "int32")) as tf.Tensor2D
  );
  const fidHalves = fidFromStats(await featureStats(a), await featureStats(b));
  const kidHalves = await kid(a, b, {
    subsets: kidSubsets,
    subsetSize: kidSubsetSize,
    seed: 0,
  });
  tf.dispose([a, b]);
  const fmt = (x: number, d = 3) => x.toFixed(d);
  rows.push(
    `| ${id} | ${evaluator.id} | test set IS (${isSplits} splits) | ${
      fmt(is.mean)
    } ± ${fmt(is.std)} |`,
    `| ${id} | ${evaluator.id} | FID test half vs test half (${half} vs ${half}) | ${
      fmt(fidHalves)
    } |`,
    `| ${id} | ${evaluator.id} | KID test half vs test half | ${
      fmt(kidHalves.mean, 5)
    } ± ${fmt(kidHalves.std, 5)} |`,
  );
  // Precision/recall/density/coverage: the test set is the real side, as
  // in the evaluation; N train images play the perfect generator.
  const testPrdc = await prdcReal(test.features);
  for (const n of SIZES.filter((n) => n <= dataset.train.count)) {
    const idx = fixedSubset(dataset.train.count, n, REAL_SUBSET_SEED);
    const train = embed(evaluator, dataset, "train", idx);
    // N ≤ d (cifar10 at N = 256) is computed with a warning, as a cell with
    // `singularFid: "warn"` would; the value is inflated.
    const fidN = fidFromStats(await featureStats(train.features), testStats, {
      allowSingular: true,
    });
    const kidN = await kid(train.features, test.features, {
      subsets: kidSubsets,
      subsetSize: Math.min(kidSubsetSize, n),
      seed: 0,
    });
    const isN = await inceptionScore(train.probabilities, {
      splits: isSplits,
    });
    const pr = n > 3 ? await prdc(testPrdc, train.features) : null;
    const coverN = modeCoverage(
      classCounts(await predictedClasses(train.probabilities), numClasses),
      testClassCounts,
    );
    rows.push(
      `| ${id} | ${evaluator.id} | N = ${n} train vs test: classes_covered / class_kl | ${coverN.classesCovered} / ${
        coverN.classKl.toFixed(5)
      } |`,
    );
    tf.dispose([train.features, train.probabilities]);
    if (pr) {
      rows.push(
        `| ${id} | ${evaluator.id} | N = ${n} train vs test: precision / recall / density / coverage | ${
          [pr.precision, pr.recall, pr.density, pr.coverage].map((v) => fmt(v))
            .join(" / ")
        } |`,
      );
    }
    rows.push(
      `| ${id} | ${evaluator.id} | N = ${n} train vs test: FID (= fid_floor) / KID / IS | ${
        fmt(fidN)
      } / ${fmt(kidN.mean, 5)} / ${fmt(isN.mean)} |`,
    );
  }
  // Memorisation and diversity levels of real images.
  const pool = tf.tidy(() =>
    toUnitRange(
      imagesAt(
        dataset,
        dataset.train,
        fixedSubset(
          dataset.train.count,
          Math.min(nNeighbourPool, dataset.train.count),
          REAL_SUBSET_SEED + 3,
        ),
        nativeShape(dataset),
      ),
    )
  );
  const queries = tf.tidy(() =>
    toUnitRange(
      imagesAt(
        dataset,
        dataset.test,
        all.subarray(0, Math.min(nNeighbour, all.length)),
        nativeShape(dataset),
      ),
    )
  );
  const nn = await psnrSsimNearest(queries, pool);
  const div = await ssimDiversity(queries, { pairs: nSsimPairs, seed: 1 });
  const divSame = await ssimDiversity(queries, {
    pairs: nSsimPairs,
    seed: 1,
    labels: Array.from(dataset.test.labels.subarray(0, nNeighbour)),
  });
  rows.push(
    `| ${id} | — | ${nNeighbour} test images vs ${
      nNeighbourPool.toLocaleString("en-US")
    }-train pool: psnr_nn / ssim_nn | ${fmt(nn.psnr, 2)} dB / ${
      fmt(nn.ssim)
    } |`,
    `| ${id} | — | ssim_div of real test images (any class / same class) | ${
      fmt(div)
    } / ${fmt(divSame)} |`,
  );
  tf.dispose([pool, queries, test.features, test.probabilities]);
  evaluator.dispose();
}
console.log("| data set | evaluator | reference point | value |");
console.log("|---|---|---|---|");
for (const row of rows) console.log(row);

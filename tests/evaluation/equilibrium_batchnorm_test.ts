/**
 * The equilibrium metrics score a BatchNorm D the way G meets it in
 * training: in training mode on all-real and all-fake batches of the
 * training batch size, leaving its weights, moving statistics and dropout
 * counters bit-identical; a D without BatchNorm stays in inference mode.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { loadDataset } from "../../src/data/registry.ts";
import {
  equilibriumMetrics,
  equilibriumReals,
  usesBatchStatistics,
} from "../../src/evaluation/equilibrium_metrics.ts";
import type { ModelsAtStep } from "../../src/evaluation/types.ts";
import { makeDiscriminator, makeGenerator } from "../../src/models/_common.ts";
import { BatchNorm } from "../../src/models/layers/batch_norm.ts";
import { Dropout } from "../../src/models/layers/dropout.ts";
import { ParamStore } from "../../src/models/layers/param_store.ts";
import type { Discriminator } from "../../src/models/types.ts";
import { setupCpu, snapshot } from "../models/_setup.ts";

await setupCpu();

const dataset = await loadDataset("synthetic"); // 16×16×1, 128 test images
const N = 128;

interface Call {
  n: number;
  training: boolean;
}

/**
 * D(x) = BN(mean pixel of x), optionally without the BN; a dropout layer on
 * a dummy tensor advances its call counter in training mode only.
 */
function meanDiscriminator(
  scope: string,
  batchNorm: boolean,
  calls: Call[],
): { d: Discriminator; dropout: Dropout } {
  const store = new ParamStore("D", 0, scope);
  const bn = batchNorm
    ? new BatchNorm(store, "bn1", 1, { momentum: 0.9, epsilon: 1e-5 })
    : null;
  const dropout = new Dropout(0.5, 11);
  const d = makeDiscriminator(store, (x, _labels, training) => {
    calls.push({ n: x.shape[0], training });
    tf.dispose(dropout.apply(tf.zeros([2]), training));
    const h = tf.mean(tf.reshape(x, [x.shape[0], -1]), 1, true);
    return bn ? bn.apply(h, training) : h;
  }, [dropout]);
  return { d, dropout };
}

/** G whose every image is black (−1): all fakes identical. */
function blackGenerator(scope: string) {
  const { height, width, channels } = dataset;
  return makeGenerator(
    new ParamStore("G", 0, scope),
    4,
    (z) => tf.fill([z.shape[0], height, width, channels], -1) as tf.Tensor4D,
  );
}

function models(d: Discriminator, scope: string, batchSize?: number) {
  return {
    step: 3,
    generator: blackGenerator(scope),
    discriminator: d,
    trainShape: {
      height: dataset.height,
      width: dataset.width,
      channels: dataset.channels,
    },
    conditional: false,
    loss: "wgan",
    dLoss: 0,
    batchSize,
  } satisfies ModelsAtStep;
}

Deno.test("a BatchNorm D is scored on all-real and all-fake batches with batch statistics", async () => {
  const calls: Call[] = [];
  const { d, dropout } = meanDiscriminator("eqbn1/", true, calls);
  assert.ok(usesBatchStatistics(d));
  // Moving statistics unlike any batch's: inference scores differ.
  const bn = d.variables.filter((v) => !v.trainable);
  bn[0].assign(tf.tensor1d([0.7]));
  bn[1].assign(tf.tensor1d([0.01]));
  dropout.calls = 5;
  const before = snapshot(d);
  const reals = equilibriumReals(dataset, N);
  const m = models(d, "eqbnG1/", 32);
  const out = await equilibriumMetrics(dataset, reals, m);
  // Weights and moving statistics bit-identical, dropout counter restored.
  assert.deepEqual(snapshot(d), before);
  assert.equal(dropout.calls, 5);
  // Test reals, train reals, fakes: 4 training-mode batches of 32 each.
  assert.deepEqual(calls, Array(12).fill({ n: 32, training: true }));
  // All fakes are equal, so each fake batch normalises to exactly β = 0;
  // each real batch has mean score 0. In inference mode the fakes would
  // score (−1 − 0.7)/√(0.01 + ε) ≈ −17 and every real above them (AUC 1).
  const inference = tf.tidy(() =>
    d.apply(tf.fill([4, 16, 16, 1], -1) as tf.Tensor4D, null, false)
  );
  const fakeInference = (await inference.data())[0];
  inference.dispose();
  const expected = -1.7 / Math.sqrt(0.01 + 1e-5); // ε = 1e-5
  assert.ok(Math.abs(fakeInference - expected) < 1e-4, `${fakeInference}`);
  assert.equal(out.d_fake, 0);
  assert.ok(Math.abs(out.d_real) < 1e-5, `d_real ${out.d_real}`);
  assert.ok(
    out.d_auc > 0.2 && out.d_auc < 0.8,
    `batch-statistics d_auc ${out.d_auc} (inference mode: 1)`,
  );
  // Not a multiple of the batch size: equal batches, no small remainder.
  calls.length = 0;
  await equilibriumMetrics(dataset, reals, models(d, "eqbnG2/", 48));
  assert.deepEqual(
    calls.slice(0, 3).map((c) => c.n),
    [43, 42, 43],
  );
  assert.deepEqual(snapshot(d), before);
  d.dispose();
});

Deno.test("a D without BatchNorm is scored in inference mode", async () => {
  const calls: Call[] = [];
  const { d } = meanDiscriminator("eqbn3/", false, calls);
  assert.ok(!usesBatchStatistics(d));
  const out = await equilibriumMetrics(
    dataset,
    equilibriumReals(dataset, N),
    models(d, "eqbnG3/", 32),
  );
  assert.ok(calls.every((c) => !c.training));
  assert.deepEqual(calls.map((c) => c.n), [N, N, N]); // one chunk per set
  // Raw score = mean pixel: every fake −1, every real image brighter.
  assert.equal(out.d_fake, -1);
  assert.equal(out.d_auc, 1);
  d.dispose();
});

import * as tf from "@tensorflow/tfjs-core";
import { assertClose, deepEqual, equal, ok, throws } from "../_assert.ts";
import {
  getLoss,
  isLossId,
  LOSS_IDS,
  LOSS_REGISTRY,
  LOSSES,
  resolvePair,
} from "../../src/losses/registry.ts";
import { logSigmoid, softplus } from "../../src/losses/_stable.ts";
import { setupCpu } from "../models/_setup.ts";

await setupCpu();

const LN2 = Math.LN2;
const val = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};
function scores(v: number, shape = [4, 1]): tf.Tensor {
  return tf.fill(shape, v);
}
function d(id: string, sr: number, sf: number, shape?: number[]): number {
  return tf.tidy(() =>
    val(getLoss(id).dLoss(scores(sr, shape), scores(sf, shape)))
  );
}
function g(id: string, sf: number): number {
  return tf.tidy(() => val(getLoss(id).gLoss(scores(sf))));
}

Deno.test("losses: registry lists the six ids; unknown id names accepted ones", () => {
  deepEqual([...LOSS_IDS], [
    "minimax",
    "ns",
    "lsgan",
    "wgan",
    "wgan-gp",
    "hinge",
  ]);
  throws(
    () => getLoss("wgan_gp"),
    /unknown loss "wgan_gp".*minimax, ns, lsgan, wgan, wgan-gp, hinge/,
  );
});

Deno.test("losses: each entry's id is its registry key; isLossId", () => {
  for (const [key, loss] of Object.entries(LOSS_REGISTRY)) equal(loss.id, key);
  deepEqual(LOSSES.map((l) => l.id), [...LOSS_IDS]);
  ok(isLossId("wgan-gp"));
  ok(!isLossId("wgan_gp"));
  ok(!isLossId("toString"), "inherited keys are not ids");
});

Deno.test("losses: known values at s = 0 and chosen points", () => {
  assertClose(d("minimax", 0, 0), 2 * LN2, 1e-6);
  assertClose(d("ns", 0, 0), 2 * LN2, 1e-6);
  assertClose(g("minimax", 0), -LN2, 1e-6);
  assertClose(g("ns", 0), LN2, 1e-6);
  // −log σ(2) − log(1 − σ(−1)) = softplus(−2) + softplus(−1)
  const sp = (x: number) => Math.log1p(Math.exp(x));
  assertClose(d("minimax", 2, -1), sp(-2) + sp(-1), 1e-6);
  assertClose(g("ns", 3), sp(-3), 1e-6);
  assertClose(g("minimax", 3), -sp(3), 1e-6);
  assertClose(d("lsgan", 0.5, 0.5), 0.25, 1e-7);
  assertClose(d("lsgan", 1, 0), 0, 1e-7);
  assertClose(d("lsgan", 3, -2), 0.5 * 4 + 0.5 * 4, 1e-6);
  assertClose(g("lsgan", 0), 0.5, 1e-7);
  assertClose(d("wgan", 2, 5), 3, 1e-6);
  assertClose(d("wgan-gp", 2, 5), 3, 1e-6);
  assertClose(g("wgan", 5), -5, 1e-6);
  assertClose(d("hinge", 2, -2), 0, 1e-7);
  assertClose(d("hinge", 0, 0), 2, 1e-7);
  assertClose(d("hinge", -1, 0.5), 2 + 1.5, 1e-6);
  assertClose(g("hinge", 1.5), -1.5, 1e-7);
});

Deno.test("losses: equilibrium D loss equals dLoss at D = 1/2", () => {
  for (const id of LOSS_IDS) {
    const l = getLoss(id);
    const s = id === "lsgan" ? 0.5 : 0;
    assertClose(d(id, s, s), l.equilibriumDLoss, 1e-6, id);
  }
  deepEqual(LOSS_IDS.map((id) => getLoss(id).equilibriumDLoss), [
    2 * LN2,
    2 * LN2,
    0.25,
    0,
    0,
    2,
  ]);
});

Deno.test("losses: patch maps are averaged over every element", () => {
  tf.tidy(() => {
    const sr = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    const sf = tf.zeros([2, 2, 2, 1]);
    assertClose(val(getLoss("wgan").dLoss(sr, sf)), -4.5, 1e-6);
    assertClose(val(getLoss("hinge").dLoss(sr, sf)), 1, 1e-6);
  });
});

Deno.test("losses: stable and correct at |s| = 100", () => {
  // Logistic: D with a confident, correct D → ~0; confident wrong D → ~200.
  assertClose(d("minimax", 100, -100), 0, 1e-6);
  assertClose(d("minimax", -100, 100), 200, 1e-3);
  assertClose(g("ns", -100), 100, 1e-4);
  assertClose(g("ns", 100), 0, 1e-6);
  assertClose(g("minimax", -100), 0, 1e-6);
  assertClose(g("minimax", 100), -100, 1e-4);
  tf.tidy(() => {
    const x = tf.tensor1d([-100, -30, 0, 30, 100, 1e4, -1e4]);
    const sp = softplus(x).dataSync();
    const ref = [
      Math.exp(-100),
      Math.log1p(Math.exp(-30)),
      LN2,
      30,
      100,
      1e4,
      0,
    ];
    sp.forEach((v, i) => {
      ok(Number.isFinite(v));
      assertClose(v, ref[i], 1e-6 * Math.max(1, Math.abs(ref[i])));
    });
    const ls = logSigmoid(x).dataSync();
    assertClose(ls[0], -100, 1e-4);
    assertClose(ls[4], 0, 1e-6);
    // Gradients finite and correct: d/ds softplus(s) = σ(s).
    const gr = tf.grad((t: tf.Tensor) => tf.sum(softplus(t)))(x).dataSync();
    gr.forEach((v) => ok(Number.isFinite(v)));
    assertClose(gr[0], 0, 1e-7);
    assertClose(gr[2], 0.5, 1e-6);
    assertClose(gr[4], 1, 1e-6);
  });
});

Deno.test("losses: defaults per loss and overrides", () => {
  const gp = getLoss("wgan-gp");
  equal(gp.gradientPenalty, 10);
  equal(gp.nCritic, 5);
  deepEqual(gp.optimizer, {
    name: "adam",
    learningRate: 1e-4,
    beta1: 0.5,
    beta2: 0.9,
  });
  const w = getLoss("wgan");
  equal(w.clip, 0.01);
  equal(w.nCritic, 5);
  equal(w.optimizer.name, "rmsprop");
  equal(w.optimizer.learningRate, 5e-5);
  for (const id of ["minimax", "ns", "lsgan", "hinge"]) {
    const l = getLoss(id);
    deepEqual(l.optimizer, {
      name: "adam",
      learningRate: 2e-4,
      beta1: 0.5,
      beta2: 0.999,
    });
    equal(l.nCritic, 1);
    equal(l.clip, undefined);
    equal(l.gradientPenalty, undefined);
  }
  equal(getLoss("minimax").probability, true);
  equal(getLoss("ns").probability, true);
  equal(getLoss("hinge").probability, false);
  const o = getLoss("wgan-gp", {
    nCritic: 2,
    gradientPenalty: 5,
    optimizer: { learningRate: 3e-4 },
  });
  equal(o.nCritic, 2);
  equal(o.gradientPenalty, 5);
  equal(o.optimizer.learningRate, 3e-4);
  equal(o.optimizer.beta2, 0.9);
  equal(getLoss("wgan-gp").nCritic, 5, "registry entry untouched");
  throws(() => getLoss("ns", { clip: 0.1 }), /does not clip/);
  throws(() => getLoss("hinge", { gradientPenalty: 1 }), /no gradient penalty/);
  throws(() => getLoss("wgan", { nCritic: 0 }), /nCritic/);
});

Deno.test("losses: resolvePair records substitutions or refuses", () => {
  deepEqual(resolvePair("dcgan", "wgan-gp"), {
    criticNorm: "layernorm",
    substitutions: ["D BatchNorm → LayerNorm (gradient penalty)"],
  });
  deepEqual(resolvePair("patchgan", "wgan-gp").criticNorm, "layernorm");
  deepEqual(resolvePair("cdcgan", "wgan-gp").criticNorm, "layernorm");
  deepEqual(resolvePair("mlp", "wgan-gp"), {
    criticNorm: "none",
    substitutions: [],
  });
  deepEqual(resolvePair("cgan", "wgan-gp"), {
    criticNorm: "none",
    substitutions: [],
  });
  deepEqual(resolvePair("dcgan", "wgan"), {
    criticNorm: "batchnorm",
    substitutions: [],
  });
  deepEqual(resolvePair("dcgan", "ns", { criticNorm: "none" }), {
    criticNorm: "none",
    substitutions: ["D BatchNorm → no norm (requested)"],
  });
  deepEqual(
    resolvePair("dcgan", "wgan-gp", { criticNorm: "none" }).criticNorm,
    "none",
  );
  throws(
    () => resolvePair("dcgan", "wgan-gp", { criticNorm: "batchnorm" }),
    /dcgan × wgan-gp refused: a gradient-penalty critic must not use BatchNorm/,
  );
  throws(
    () =>
      resolvePair("dcgan", "ns", {
        shape: { height: 28, width: 28, channels: 1 },
      }),
    /does not support 28×28×1/,
  );
  throws(
    () => resolvePair("vae", "ns"),
    /unknown variant "vae".*mlp, dcgan, cgan, cdcgan, patchgan/,
  );
  throws(() => resolvePair("mlp", "foo"), /unknown loss "foo"/);
});

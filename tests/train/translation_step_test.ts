/**
 * The pix2pix training step on wasm: first-step losses against a hand-built
 * reference, which variables each objective updates, no tensor leaks,
 * determinism, and an L1-only run that must beat the trivial answers.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { psnr } from "../../src/metrics/psnr.ts";
import { softplus } from "../../src/losses/_stable.ts";
import { buildUnet } from "../../src/models/translation/unet.ts";
import { buildPatchDiscriminator } from "../../src/models/translation/patch_discriminator.ts";
import {
  createTranslationStep,
  TRANSLATION_OBJECTIVES,
  type TranslationObjective,
  type TranslationStepResult,
} from "../../src/train/translation_step.ts";
import { snapshot } from "../models/_setup.ts";

await initBackend("wasm");

const TINY = 1 / 16;
let scopes = 0;

/** Tiny 32×32 1→3 models and a step for `objective`. */
function setup(
  objective: TranslationObjective,
  seed: number,
  dropoutRate?: number,
) {
  const scope = `ts${scopes++}/`;
  const common = { size: 32, seed, scope, widthMultiplier: TINY };
  const generator = buildUnet({
    ...common,
    inChannels: 1,
    outChannels: 3,
    dropoutRate,
  });
  const discriminator = buildPatchDiscriminator({
    ...common,
    inputChannels: 1,
    imageChannels: 3,
  });
  const step = createTranslationStep({
    generator,
    discriminator,
    objective,
    seed,
  });
  return {
    generator,
    discriminator,
    step,
    dispose() {
      step.dispose();
      generator.dispose();
      discriminator.dispose();
    },
  };
}

/** A fixed batch of pairs in [−1, 1]. */
function pairs(n = 2): [tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => [
    tf.tanh(tf.randomNormal([n, 32, 32, 1], 0, 1, "float32", 11)),
    tf.tanh(tf.randomNormal([n, 32, 32, 3], 0, 1, "float32", 12)),
  ]) as [tf.Tensor4D, tf.Tensor4D];
}

/** Reads and disposes a step's scalars (null stays null). */
function read(r: TranslationStepResult): (number | null)[] {
  const out = [r.dLoss, r.gGan, r.gL1].map((t) => (t ? t.dataSync()[0] : null));
  tf.dispose([r.dLoss ?? [], r.gGan ?? [], r.gL1]);
  return out;
}

for (const objective of ["l1-lsgan", "l1-bce", "gan-lsgan"] as const) {
  Deno.test(`translation step ${objective}: first-step losses match pix2pix's GANLoss`, () => {
    // No dropout, so that a same-seed copy reproduces G(x) exactly.
    const a = setup(objective, 4, 0);
    const ref = setup(objective, 4, 0);
    const [x, y] = pairs();
    const [d, gGan, gL1] = read(a.step.step(x, y, 0));
    const expected = tf.tidy(() => {
      const fake = ref.generator.apply(x, true);
      const sReal = ref.discriminator.apply(x, y, true);
      const sFake = ref.discriminator.apply(x, fake, true);
      const lsgan = objective.endsWith("lsgan");
      const gTerm = lsgan
        ? tf.mean(tf.square(tf.sub(sFake, 1)))
        : tf.mean(softplus(tf.neg(sFake)));
      const dTerm = lsgan
        ? tf.add(
          tf.mean(tf.square(tf.sub(sReal, 1))),
          tf.mean(tf.square(sFake)),
        )
        : tf.add(tf.mean(softplus(tf.neg(sReal))), tf.mean(softplus(sFake)));
      return tf.stack([
        tf.mul(dTerm, 0.5),
        gTerm,
        tf.mean(tf.abs(tf.sub(fake, y))),
      ]);
    });
    const [ed, eg, el] = expected.dataSync();
    assertClose(d!, ed, 1e-5, "d_loss");
    assertClose(gGan!, eg, 1e-5, "g_gan");
    assertClose(gL1!, el, 1e-5, "g_l1");
    assert.equal(a.step.l1Weight, objective === "gan-lsgan" ? 0 : 100);
    tf.dispose([x, y, expected]);
    a.dispose();
    ref.dispose();
  });
}

Deno.test("translation step l1: no D, no GAN term; D is left untouched", () => {
  const s = setup("l1", 1);
  const [x, y] = pairs();
  const g0 = snapshot(s.generator);
  const d0 = snapshot(s.discriminator);
  const [d, gGan, gL1] = read(s.step.step(x, y, 0));
  assert.equal(d, null);
  assert.equal(gGan, null);
  assert.ok(gL1! > 0);
  assert.equal(s.step.dOptimizer, null);
  assert.deepEqual(snapshot(s.discriminator), d0);
  assert.notDeepEqual(
    snapshot(s.generator).get("G/down0/kernel"),
    g0.get("G/down0/kernel"),
  );
  tf.dispose([x, y]);
  s.dispose();
});

Deno.test("translation step: tensor count flat across steps, every objective", () => {
  for (const objective of TRANSLATION_OBJECTIVES) {
    const s = setup(objective, 2);
    const [x, y] = pairs();
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      read(s.step.step(x, y, i));
      counts.push(tf.memory().numTensors);
    }
    assert.equal(counts[5], counts[1], `${objective}: ${counts}`);
    tf.dispose([x, y]);
    s.dispose();
  }
});

Deno.test("translation step: same seed → identical weights after 3 steps", () => {
  const run = (seed: number, stepOffset = 0) => {
    const s = setup("l1-lsgan", seed);
    const [x, y] = pairs();
    for (let i = 0; i < 3; i++) read(s.step.step(x, y, i + stepOffset));
    const w = [snapshot(s.generator), snapshot(s.discriminator)];
    tf.dispose([x, y]);
    s.dispose();
    return w;
  };
  const a = run(6);
  assert.deepEqual(run(6), a);
  // Another step seed draws other dropout masks, so other weights.
  assert.notDeepEqual(
    run(6, 10)[0].get("G/down0/kernel"),
    a[0].get("G/down0/kernel"),
  );
});

Deno.test("translation step: bad objective, missing D, bad pairs throw one line", () => {
  const g = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 3,
    seed: 1,
    widthMultiplier: TINY,
    scope: "bad/",
  });
  assert.throws(
    () =>
      createTranslationStep({
        generator: g,
        objective: "l2" as TranslationObjective,
        seed: 1,
      }),
    /unknown objective "l2" \(accepted: l1, l1-lsgan, l1-bce, gan-lsgan, gan-bce\)/,
  );
  assert.throws(
    () =>
      createTranslationStep({ generator: g, objective: "gan-bce", seed: 1 }),
    /^Error: train\/translation_step: objective gan-bce needs a discriminator$/,
  );
  const s = createTranslationStep({ generator: g, objective: "l1", seed: 1 });
  const x = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
  const y = tf.zeros([3, 32, 32, 3]) as tf.Tensor4D;
  assert.throws(
    () => s.step(x, y, 0),
    /target \[3,32,32,3\] does not match input \[2,32,32,1\]/,
  );
  tf.dispose([x, y]);
  s.dispose();
  g.dispose();
});

Deno.test("translation step l1: 200 steps beat the identity and the mean-colour answers", async () => {
  // Colourisation by a fixed per-pixel map of smooth grey fields: easy for
  // a U-Net, while neither trivial answer gets close.
  const n = 8;
  const [grey, target] = tf.tidy(() => {
    const g = tf.tanh(
      tf.image.resizeBilinear(
        tf.randomNormal([n, 4, 4, 1], 0, 1.5, "float32", 1) as tf.Tensor4D,
        [32, 32],
      ),
    );
    const t = tf.concat([
      tf.tanh(tf.mul(g, 2)),
      tf.neg(g),
      tf.sub(tf.mul(tf.square(g), 1.5), 0.5),
    ], 3);
    return [g, tf.clipByValue(t, -1, 1)];
  }) as [tf.Tensor4D, tf.Tensor4D];
  const g = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 3,
    seed: 1,
    widthMultiplier: 1 / 8,
    scope: "psnr/",
  });
  const s = createTranslationStep({ generator: g, objective: "l1", seed: 1 });
  for (let i = 0; i < 200; i++) read(s.step(grey, target, i));
  const identity = tf.tile(grey, [1, 1, 1, 3]) as tf.Tensor4D;
  const meanColour = tf.tidy(() =>
    tf.add(tf.zerosLike(target), tf.mean(target, [0, 1, 2]))
  ) as tf.Tensor4D;
  const out = g.apply(grey, false, 123);
  const avg = async (a: tf.Tensor4D) => {
    const v = await psnr(a, target, { dataRange: 2 });
    return v.reduce((sum, p) => sum + p, 0) / v.length;
  };
  const [pId, pMean, pG] = [
    await avg(identity),
    await avg(meanColour),
    await avg(out),
  ];
  assert.ok(
    pG > Math.max(pId, pMean) + 3,
    `G ${pG} dB vs identity ${pId}, mean colour ${pMean}`,
  );
  tf.dispose([grey, target, identity, meanColour, out]);
  s.dispose();
  g.dispose();
});

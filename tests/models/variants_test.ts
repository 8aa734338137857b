import * as tf from "@tensorflow/tfjs-core";
import { assertClose, deepEqual, equal, ok, throws } from "../_assert.ts";
import {
  getVariant,
  isVariantId,
  VARIANT_IDS,
  VARIANT_REGISTRY,
  VARIANTS,
} from "../../src/models/registry.ts";
import { BatchNorm } from "../../src/models/layers/batch_norm.ts";
import { ParamStore } from "../../src/models/layers/param_store.ts";
import type { ImageShape } from "../../src/models/types.ts";
import { setupCpu, snapshot } from "./_setup.ts";

await setupCpu();

const S28: ImageShape = { height: 28, width: 28, channels: 1 };
const S32G: ImageShape = { height: 32, width: 32, channels: 1 };
const S32C: ImageShape = { height: 32, width: 32, channels: 3 };

Deno.test("models: each entry's id is its key; costs order the variants", () => {
  for (const [key, v] of Object.entries(VARIANT_REGISTRY)) equal(v.id, key);
  ok(isVariantId("patchgan"));
  ok(!isVariantId("constructor"), "inherited keys are not ids");
  // Cheapest to dearest per image, as measured by `deno task perf`.
  const byCost = VARIANTS.toSorted((a, b) => a.costPerImage - b.costPerImage);
  deepEqual(byCost.map((v) => v.id), [
    "mlp",
    "cgan",
    "dcgan",
    "cdcgan",
    "patchgan",
  ]);
  for (const v of VARIANTS) ok(v.costPerImage > 0, v.id);
});

Deno.test("models: registry ids, supports, unknown id", () => {
  deepEqual([...VARIANT_IDS], ["mlp", "dcgan", "cgan", "cdcgan", "patchgan"]);
  deepEqual(VARIANTS.map((v) => v.conditional), [
    false,
    false,
    true,
    true,
    false,
  ]);
  for (const id of ["mlp", "cgan"]) {
    ok(getVariant(id).supports(S28) && getVariant(id).supports(S32C));
  }
  for (const id of ["dcgan", "cdcgan", "patchgan"]) {
    const v = getVariant(id);
    ok(!v.supports(S28) && v.supports(S32G) && v.supports(S32C));
    ok(!v.supports({ height: 32, width: 32, channels: 2 }));
    throws(
      () =>
        v.build({
          shape: S28,
          numClasses: 10,
          seed: 1,
          criticNorm: "batchnorm",
        }),
      /28×28×1 is not supported/,
    );
  }
  throws(
    () => getVariant("gan"),
    /unknown variant "gan" \(accepted: mlp, dcgan, cgan, cdcgan, patchgan\)/,
  );
});

Deno.test("models: full-size output shapes, ranges, configs (one pass each)", () => {
  const cases: [string, ImageShape][] = [
    ["mlp", S28],
    ["cgan", S28],
    ["dcgan", S32C],
    ["cdcgan", S32G],
    ["patchgan", S32C],
  ];
  for (const [id, shape] of cases) {
    const v = getVariant(id);
    const { generator: g, discriminator: d, config } = v.build({
      shape,
      numClasses: 10,
      seed: 3,
      criticNorm: v.defaultCriticNorm,
    });
    tf.tidy(() => {
      const labels = tf.tensor1d([0, 9], "int32");
      const x = g.apply(
        tf.randomNormal([2, g.zDim], 0, 1, "float32", 1) as tf.Tensor2D,
        labels,
        false,
      );
      deepEqual(x.shape, [2, shape.height, shape.width, shape.channels], id);
      const vals = x.dataSync() as Float32Array;
      ok(vals.every((u) => u >= -1 && u <= 1 && Number.isFinite(u)), id);
      const s = d.apply(x, labels, false);
      deepEqual(s.shape, id === "patchgan" ? [2, 6, 6, 1] : [2, 1], id);
      ok(s.dataSync().every(Number.isFinite));
    });
    equal(config.variant, id);
    equal(g.zDim, 100);
    deepEqual(config.dOutput, id === "patchgan" ? { patch: [6, 6] } : "score");
    ok(config.parameters.generator > 0 && config.parameters.discriminator > 0);
    deepEqual(config.substitutions, []);
    // Variable keys unique, moving statistics non-trainable.
    for (const m of [g, d]) {
      equal(new Set(m.keys).size, m.keys.length);
      for (const [i, v2] of m.variables.entries()) {
        equal(v2.trainable, !m.keys[i].includes("moving"), m.keys[i]);
      }
    }
    g.dispose();
    d.dispose();
  }
});

Deno.test("models: architecture details (DCGAN layer shapes, init statistics)", () => {
  const { generator: g, discriminator: d, config } = getVariant("dcgan").build({
    shape: S32C,
    numClasses: 10,
    seed: 11,
    criticNorm: "batchnorm",
  });
  const shapes = Object.fromEntries(
    g.keys.map((k, i) => [k, g.variables[i].shape]),
  );
  deepEqual(shapes["G/convT0/kernel"], [4, 4, 256, 100]);
  deepEqual(shapes["G/convT3/kernel"], [4, 4, 3, 64]);
  const dShapes = Object.fromEntries(
    d.keys.map((k, i) => [k, d.variables[i].shape]),
  );
  deepEqual(dShapes["D/conv0/kernel"], [4, 4, 3, 64]);
  deepEqual(dShapes["D/conv3/kernel"], [4, 4, 256, 1]);
  ok(
    !d.keys.some((k) => k.startsWith("D/bn0")),
    "no BN after the first D conv",
  );
  ok(
    d.keys.includes("D/bn1/movingMean") &&
      d.keys.includes("D/bn2/movingVariance"),
  );
  const w = g.variables[g.keys.indexOf("G/convT1/kernel")]
    .dataSync() as Float32Array;
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
  assertClose(mean, 0, 1e-3);
  assertClose(std, 0.02, 1e-3);
  const gamma = g.variables[g.keys.indexOf("G/bn1/gamma")]
    .dataSync() as Float32Array;
  assertClose(gamma.reduce((a, b) => a + b, 0) / gamma.length, 1, 0.01);
  equal(config.generatorLayers.length, 4);
  g.dispose();
  d.dispose();
});

Deno.test("models: same seed → identical weights; other seed → different", () => {
  for (const v of VARIANTS) {
    const shape = v.supports(S28) ? S28 : S32G;
    const opts = {
      shape,
      numClasses: 10,
      criticNorm: v.defaultCriticNorm,
      widthMultiplier: 0.125,
    };
    const a = v.build({ ...opts, seed: 5, scope: "a/" });
    const b = v.build({ ...opts, seed: 5, scope: "b/" });
    const c = v.build({ ...opts, seed: 6, scope: "c/" });
    for (const k of ["generator", "discriminator"] as const) {
      const sa = snapshot(a[k]), sb = snapshot(b[k]), sc = snapshot(c[k]);
      deepEqual([...sa.keys()], [...sb.keys()]);
      let differs = false;
      for (const [key, va] of sa) {
        deepEqual(va, sb.get(key), `${v.id} ${key}`);
        if (va.some((x, i) => x !== sc.get(key)![i])) differs = true;
      }
      ok(differs, `${v.id} ${k}: seed 6 differs`);
      // TF.js names carry the scope; keys do not.
      ok(a[k].variables[0].name.startsWith("a/"));
      ok(!a[k].keys[0].startsWith("a/"));
    }
    for (const m of [a, b, c]) {
      m.generator.dispose();
      m.discriminator.dispose();
    }
  }
});

Deno.test("models: criticNorm is applied and recorded", () => {
  const v = getVariant("dcgan");
  const built = v.build({
    shape: S32G,
    numClasses: 10,
    seed: 1,
    criticNorm: "layernorm",
    widthMultiplier: 0.25,
  });
  ok(built.discriminator.keys.includes("D/ln1/gamma"));
  ok(!built.discriminator.keys.some((k) => k.includes("/bn")));
  ok(built.generator.keys.some((k) => k.includes("/bn")), "G keeps BatchNorm");
  deepEqual(built.config.substitutions, [
    "D BatchNorm → LayerNorm",
    "hidden widths × 0.25",
  ]);
  ok(built.config.discriminatorLayers[1].includes("LN"));
  built.generator.dispose();
  built.discriminator.dispose();
  const none = getVariant("patchgan").build({
    shape: S32G,
    numClasses: 10,
    seed: 1,
    criticNorm: "none",
    widthMultiplier: 0.25,
  });
  ok(
    !none.discriminator.keys.some((k) =>
      k.includes("/bn") || k.includes("/ln")
    ),
  );
  none.generator.dispose();
  none.discriminator.dispose();
});

Deno.test("models: conditional variants require int32 labels and use them", () => {
  for (const id of ["cgan", "cdcgan"]) {
    const { generator: g, discriminator: d } = getVariant(id).build({
      shape: S32G,
      numClasses: 10,
      seed: 2,
      criticNorm: "none",
      widthMultiplier: 0.25,
    });
    tf.tidy(() => {
      const z = tf.randomNormal([2, 100], 0, 1, "float32", 3) as tf.Tensor2D;
      throws(() => g.apply(z, null, false), /needs int32 labels/);
      throws(
        () => g.apply(z, tf.tensor1d([1, 2], "float32"), false),
        /must be int32/,
      );
      const a = g.apply(z, tf.tensor1d([1, 2], "int32"), false)
        .dataSync() as Float32Array;
      const b = g.apply(z, tf.tensor1d([3, 4], "int32"), false)
        .dataSync() as Float32Array;
      ok(a.some((x, i) => x !== b[i]), `${id}: labels change G's output`);
    });
    g.dispose();
    d.dispose();
  }
});

Deno.test("layers: BatchNorm Keras momentum semantics and modes", () => {
  const store = new ParamStore("T", 1, "bntest/");
  const bn = new BatchNorm(store, "bn", 2, { momentum: 0.8, epsilon: 1e-3 });
  tf.tidy(() => {
    const x = tf.tensor2d([[1, 10], [3, 20], [5, 30]]);
    const y = bn.apply(x, true).arraySync() as number[][];
    // Training output: normalised with the biased batch variance.
    const v0 = 8 / 3;
    assertClose(y[0][0], (1 - 3) / Math.sqrt(v0 + 1e-3), 1e-5);
    // moving = 0.8·moving + 0.2·batch; variance unbiased (4 and 100).
    const mm = bn.movingMean.dataSync() as Float32Array;
    const mv = bn.movingVariance.dataSync() as Float32Array;
    assertClose(mm[0], 0.2 * 3, 1e-6);
    assertClose(mm[1], 0.2 * 20, 1e-5);
    assertClose(mv[0], 0.8 + 0.2 * 4, 1e-5);
    assertClose(mv[1], 0.8 + 0.2 * 100, 1e-4);
    // Inference uses the moving statistics and does not change them.
    const yi = bn.apply(x, false).arraySync() as number[][];
    assertClose(yi[0][0], (1 - 0.6) / Math.sqrt(1.6 + 1e-3), 1e-5);
    assertClose(bn.movingMean.dataSync()[0], 0.6, 1e-6);
  });
  equal(store.trainableVariables.length, 2);
  equal(store.variables.length, 4);
  store.dispose();
});

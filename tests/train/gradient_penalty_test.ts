import * as tf from "@tensorflow/tfjs-core";
import { assertClose, ok, throws } from "../_assert.ts";
import { gradientPenalty } from "../../src/train/gradient_penalty.ts";
import { Conv2D } from "../../src/models/layers/conv2d.ts";
import { Dense } from "../../src/models/layers/dense.ts";
import { LayerNorm } from "../../src/models/layers/layer_norm.ts";
import { ParamStore } from "../../src/models/layers/param_store.ts";
import type { Discriminator } from "../../src/models/types.ts";
import { setupCpu } from "../models/_setup.ts";

await setupCpu();

/** A small conv critic: conv k2 → LayerNorm → LeakyReLU → dense → 1. */
function smallCritic(scope: string): Discriminator & { store: ParamStore } {
  const store = new ParamStore("D", 17, scope);
  const conv = new Conv2D(store, "conv0", 1, 2, {
    kernel: 2,
    stride: 1,
    pad: "valid",
    bias: true,
    kernelInit: { kind: "normal", mean: 0, std: 0.7 },
  });
  const ln = new LayerNorm(store, "ln0", 2);
  const dense = new Dense(store, "dense0", 8, 1, {
    kernelInit: { kind: "normal", mean: 0, std: 0.7 },
  });
  return {
    store,
    variables: store.variables,
    trainableVariables: store.trainableVariables,
    keys: store.keys,
    dispose: () => store.dispose(),
    apply: (x) => {
      const h = tf.leakyRelu(ln.apply(conv.apply(x)), 0.2);
      return dense.apply(tf.reshape(h, [-1, 8]));
    },
  };
}

Deno.test("gradient penalty: known value on a linear critic", () => {
  const store = new ParamStore("D", 1, "gplin/");
  const w = store.add("w", [4, 1], { kind: "constant", value: 0.25 });
  const d: Discriminator = {
    variables: store.variables,
    trainableVariables: store.trainableVariables,
    keys: store.keys,
    dispose: () => store.dispose(),
    apply: (x) => tf.matMul(tf.reshape(x, [-1, 4]), w),
  };
  tf.tidy(() => {
    const real = tf.randomNormal(
      [3, 2, 2, 1],
      0,
      1,
      "float32",
      1,
    ) as tf.Tensor4D;
    const fake = tf.randomNormal(
      [3, 2, 2, 1],
      0,
      1,
      "float32",
      2,
    ) as tf.Tensor4D;
    // ∇x D = w for every sample: ‖w‖ = 0.5 → 10·(0.5 − 1)² = 2.5.
    const p = gradientPenalty(d, real, fake, { weight: 10, seed: 3 });
    assertClose(p.dataSync()[0], 2.5, 1e-5);
    // d/dw 10(‖w‖−1)² = 20(‖w‖−1)·w/‖w‖ = 20·(−0.5)·0.25/0.5 = −5 each.
    const { grads } = tf.variableGrads(
      () => gradientPenalty(d, real, fake, { weight: 10, seed: 3 }),
      [w],
    );
    for (const g of grads[w.name].dataSync()) assertClose(g, -5, 1e-4);
    throws(
      () =>
        gradientPenalty(d, real, tf.zeros([2, 2, 2, 1]) as tf.Tensor4D, {
          weight: 1,
          seed: 1,
        }),
      /shapes differ/,
    );
  });
  d.dispose();
});

Deno.test("gradient penalty: gradient w.r.t. critic variables matches central differences", () => {
  const d = smallCritic("gpfd/");
  const real = tf.randomUniform(
    [3, 3, 3, 1],
    -1,
    1,
    "float32",
    5,
  ) as tf.Tensor4D;
  const fake = tf.randomUniform(
    [3, 3, 3, 1],
    -1,
    1,
    "float32",
    6,
  ) as tf.Tensor4D;
  const penalty = () => gradientPenalty(d, real, fake, { weight: 10, seed: 9 });
  const analytic = tf.tidy(() => {
    const { grads } = tf.variableGrads(penalty, d.trainableVariables);
    // Variables the penalty does not reach (the output bias) come back absent.
    return d.trainableVariables.map((v) =>
      grads[v.name]
        ? Array.from(grads[v.name].dataSync())
        : new Array(v.size).fill(0)
    );
  });
  ok(
    analytic[d.keys.indexOf("D/dense0/bias")].every((g) => g === 0),
    "output bias: no penalty gradient",
  );
  const h = 2e-3;
  let num2 = 0, diff2 = 0;
  d.trainableVariables.forEach((v, vi) => {
    const base = v.dataSync().slice() as Float32Array;
    for (let i = 0; i < base.length; i++) {
      const evalAt = (delta: number) => {
        const p = base.slice();
        p[i] += delta;
        v.assign(tf.tensor(p, v.shape));
        return tf.tidy(() => penalty().dataSync()[0]);
      };
      const fd = (evalAt(h) - evalAt(-h)) / (2 * h);
      v.assign(tf.tensor(base, v.shape));
      const a = analytic[vi][i];
      num2 += fd * fd;
      diff2 += (fd - a) ** 2;
      assertClose(
        a,
        fd,
        2e-2 * Math.max(1, Math.abs(fd)),
        `${d.keys[vi]}[${i}]`,
      );
    }
  });
  ok(num2 > 1e-2, "the penalty gradient is not trivially zero");
  ok(
    Math.sqrt(diff2 / num2) < 1e-2,
    `relative error ${Math.sqrt(diff2 / num2)}`,
  );
  tf.dispose([real, fake]);
  d.dispose();
});

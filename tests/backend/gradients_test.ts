import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { assertClose, equal, ok } from "../_assert.ts";
import {
  registerGradientFixes,
  ZERO_GRADIENT_KERNELS,
} from "../../src/backend/gradients.ts";

Deno.test("importing gradients.ts registers the core gradients (tf.grad of sum(x²) = 2x)", async () => {
  await tf.setBackend("cpu");
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(
    tf.tensor1d([1, -2, 3]),
  );
  equal(Array.from(await g.data()).join(","), "2,-4,6");
  g.dispose();
});

Deno.test("registerGradientFixes is idempotent and covers Greater", () => {
  registerGradientFixes();
  equal(registerGradientFixes().length, 0, "second call registers nothing");
  for (const k of ZERO_GRADIENT_KERNELS) ok(tf.getGradient(k) !== undefined, k);
});

Deno.test("second derivative through leakyRelu matches the analytic value", async () => {
  await tf.setBackend("cpu");
  registerGradientFixes();
  const alpha = 0.2;
  const xs = [-2, -0.5, 0.75, 3];
  const before = tf.memory().numTensors;
  // g(x) = d/dx Σ leakyRelu(x)² = 2x (x > 0), 2α²x (x < 0);
  // f(x) = Σ g(x)² ⇒ f'(x) = 8x (x > 0), 8α⁴x (x < 0).
  const inner = tf.grad((y: tf.Tensor) =>
    tf.sum(tf.square(tf.leakyRelu(y, alpha)))
  );
  const outer = tf.grad((x: tf.Tensor) => tf.sum(tf.square(inner(x))));
  const x = tf.tensor1d(xs);
  const d2 = outer(x);
  const got = await d2.data();
  xs.forEach((v, i) =>
    assertClose(got[i], v > 0 ? 8 * v : 8 * alpha ** 4 * v, 1e-5, `x=${v}`)
  );
  tf.dispose([x, d2]);
  equal(tf.memory().numTensors, before, "no tensors leaked");
});

Deno.test("WGAN-GP style penalty gradient through leakyRelu reaches the weights", async () => {
  await tf.setBackend("cpu");
  registerGradientFixes();
  // D(x) = w2 · leakyRelu(W1 x); penalty = (‖∇x D‖ − 1)²; its gradient wrt W1 must be finite and non-zero.
  const w1 = tf.variable(tf.tensor2d([[0.5, -1], [1.5, 0.3]]), true, "gp_w1");
  const w2 = tf.tensor2d([[1], [-2]]);
  const x = tf.tensor2d([[0.4, -0.9], [-1.2, 0.8]]);
  const { grads } = tf.variableGrads(() => {
    const gx = tf.grad((xi: tf.Tensor) =>
      tf.sum(tf.matMul(tf.leakyRelu(tf.matMul(xi as tf.Tensor2D, w1), 0.2), w2))
    )(x);
    const norm = tf.sqrt(tf.sum(tf.square(gx), 1));
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  }, [w1]);
  const g = await grads["gp_w1"].data();
  ok(
    g.every(Number.isFinite) && g.some((v) => v !== 0),
    `grad ${Array.from(g)}`,
  );
  tf.dispose([w1, w2, x, grads["gp_w1"]]);
});

import * as tf from "@tensorflow/tfjs-core";
import { assert, equal, match } from "../_assert.ts";
import { initBackend } from "../../src/backend/mod.ts";
import { classifyAdapter } from "../../src/backend/_webgpu.ts";
import { randomArray, relError } from "./_helpers.ts";

const adapter = await navigator.gpu?.requestAdapter().catch(() => null) ?? null;
if (adapter === null) {
  console.warn(
    "webgpu_test: navigator.gpu has no adapter here; the WebGPU tests are ignored.",
  );
}

Deno.test("adapter classification: lavapipe/llvmpipe/SwiftShader are software, GPUs are not", () => {
  equal(
    classifyAdapter({
      vendor: "65541",
      description: "llvmpipe (LLVM 15.0.6, 256 bits)",
    }).software,
    true,
  );
  equal(
    classifyAdapter({ description: "SwiftShader Device (Subzero)" }).software,
    true,
  );
  equal(
    classifyAdapter({
      vendor: "nvidia",
      architecture: "hopper",
      description: "NVIDIA H100",
    }).software,
    false,
  );
  equal(
    classifyAdapter({ vendor: "amd", description: "AMD Radeon" }, true)
      .software,
    true,
  );
});

Deno.test({
  name:
    "initBackend('webgpu') works on the available adapter: matMul, conv2d and its gradient match cpu",
  ignore: adapter === null,
  fn: async () => {
    const info = await initBackend("webgpu");
    equal(info.backend, "webgpu");
    if ((adapter!.info as { isFallbackAdapter?: boolean }).isFallbackAdapter) {
      match(info.device, /\[software adapter\]$/);
    }
    const xs = randomArray(2 * 9 * 9 * 3, 21),
      ws = randomArray(3 * 3 * 3 * 4, 22);
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xs, [2, 9, 9, 3]);
        const w = tf.tensor4d(ws, [3, 3, 3, 4]);
        const mm = tf.matMul(
          tf.tensor2d([[1, 2], [3, 4]]),
          tf.tensor2d([[5, 6], [7, 8]]),
        );
        const y = tf.conv2d(x, w, 1, "same");
        const dw = tf.grad((w: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 2, "same")))
        )(w);
        return [mm, y, dw];
      });
    const onGpu = compute();
    // Read back with async data(); dataSync can fail on WebGPU.
    const gpu = await Promise.all(onGpu.map((t) => t.data()));
    tf.dispose(onGpu);
    await initBackend("cpu");
    const onCpu = compute();
    const cpu = onCpu.map((t) => t.dataSync());
    tf.dispose(onCpu);
    equal(Array.from(gpu[0]).join(","), "19,22,43,50");
    assert(
      relError(gpu[1], cpu[1]) <= 1e-4,
      `conv2d error ${relError(gpu[1], cpu[1])}`,
    );
    assert(
      relError(gpu[2], cpu[2]) <= 1e-4,
      `conv2d grad error ${relError(gpu[2], cpu[2])}`,
    );
  },
});

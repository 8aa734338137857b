/**
 * Gradient registrations TF.js 4.22 lacks under Deno.
 *
 * 1. The core gradients themselves: `@tensorflow/tfjs-core`'s CommonJS entry
 *    (the one Deno loads) registers none, so `tf.grad` fails with "gradient
 *    function not found for Sum" until `register_all_gradients` runs, and its
 *    ESM file cannot be imported by Deno (extension-less imports). The
 *    `@tensorflow/tfjs-layers` node bundle carries a copy of every core
 *    gradient and registers them in tfjs-core's global registry on import, so
 *    this module imports it for that side effect.
 * 2. `Greater` (and the other comparisons without one) get a zero gradient:
 *    LeakyReLU's gradient builds a `greater(x, 0)` mask, so a second
 *    derivative through LeakyReLU (the WGAN-GP penalty) throws otherwise.
 *    Comparisons are piecewise constant, so zero is exact almost everywhere.
 * 3. A cheaper `LeakyRelu` gradient: dy · step(x, α) (2 kernels) instead of
 *    TF.js's where(x > 0, dy, dy · α) (3 kernels: Greater, Multiply, Select).
 *    The values are bit-identical (dy·1 = dy); its own gradient is exact too
 *    (d/d dy = step(x, α); d/dx = 0 through `Step`). About 2 % of a DCGAN
 *    step on wasm.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";

/** Comparison kernels that get a zero gradient when none is registered. */
export const ZERO_GRADIENT_KERNELS = [
  "Greater",
  "Less",
  "LessEqual",
  "Equal",
  "NotEqual",
] as const;

/** Marks the LeakyRelu gradient registered here. */
const FAST_LEAKY = Symbol.for("ganbench.leakyReluGrad");

/**
 * Registers the missing gradients; safe to call any number of times.
 *
 * @returns The kernel names this call registered a gradient for.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * registerGradientFixes();
 * const d2 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.grad((y: tf.Tensor) => tf.sum(tf.leakyRelu(y, 0.2)))(x))));
 * ```
 */
export function registerGradientFixes(): string[] {
  const added: string[] = [];
  for (const kernelName of ZERO_GRADIENT_KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ["a", "b"],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [a, b] = saved;
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
    added.push(kernelName);
  }
  const leaky = tf.getGradient("LeakyRelu") as
    | (tf.GradConfig & { [FAST_LEAKY]?: boolean })
    | undefined;
  if (leaky?.[FAST_LEAKY] !== true) {
    const config: tf.GradConfig & { [FAST_LEAKY]?: boolean } = {
      kernelName: "LeakyRelu",
      inputsToSave: ["x"],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs) => {
        const [x] = saved;
        const alpha = (attrs as unknown as { alpha: number }).alpha;
        return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
      },
    };
    config[FAST_LEAKY] = true;
    tf.registerGradient(config);
    added.push("LeakyRelu (dy·step)");
  }
  return added;
}

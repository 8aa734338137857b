/**
 * One GAN training step: a D (critic) update on a real batch and a G update,
 * each returning its loss and the global L2 norm of its parameter gradient as
 * scalar tensors. Nothing is read back to the host here, so GPU backends are
 * never stalled; the caller reads (and disposes) the scalars when it wants.
 *
 * Noise (and fake labels, and penalty interpolation weights) come from seeds
 * derived from the step seed. WGAN weight clipping is applied after each D
 * step; BatchNorm runs in training mode during steps. Every temporary is
 * created inside `tf.tidy`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Loss } from "../losses/types.ts";
import { registerGradientFixes } from "../backend/gradients.ts";
import { patchCpuConv2DBackpropFilter } from "../backend/cpu_kernels.ts";
import { deriveSeed } from "../models/layers/param_store.ts";
import type { Discriminator, Generator } from "../models/types.ts";
import { gradientPenalty } from "./gradient_penalty.ts";

/** Options of {@linkcode createGanStep}. */
export interface GanStepOptions {
  /** The generator. */
  generator: Generator;
  /** The discriminator / critic. */
  discriminator: Discriminator;
  /** The loss (its clip / gradientPenalty are applied here). */
  loss: Loss;
  /** Optimizer of D. */
  dOptimizer: tf.Optimizer;
  /** Optimizer of G. */
  gOptimizer: tf.Optimizer;
  /** Batch size of the G step. */
  batchSize: number;
  /** Classes for conditional variants (labels of fakes), 0 otherwise. */
  numClasses: number;
  /** Whether G and D take labels. */
  conditional?: boolean;
  /** Run seed; mixed into every step seed. */
  seed: number;
}

/** What one update returns (dispose both when read). */
export type StepResult = {
  /** The minimised loss (D: including the gradient penalty). */
  loss: tf.Scalar;
  /** Global L2 norm of the parameter gradient. */
  gradNorm: tf.Scalar;
};

/** The step functions. */
export interface GanStep {
  /**
   * One D update. Fakes are generated for the real batch's size; for
   * conditional variants they use the real labels.
   *
   * @param realBatch Real images [N, H, W, C] in [−1, 1].
   * @param realLabels Int32 labels [N] (conditional variants) or null.
   * @param stepSeed Seed of this step's noise.
   * @returns Loss and gradient norm.
   */
  dStep(
    realBatch: tf.Tensor4D,
    realLabels: tf.Tensor1D | null,
    stepSeed: number,
  ): StepResult;
  /**
   * One G update on `batchSize` fresh samples (uniform random labels for
   * conditional variants).
   *
   * @param stepSeed Seed of this step's noise.
   * @returns Loss and gradient norm.
   */
  gStep(stepSeed: number): StepResult;
}

const STREAM_D_NOISE = 1;
const STREAM_GP = 2;
const STREAM_G_NOISE = 3;
const STREAM_G_LABELS = 4;

/**
 * Minimises `f` over `vars` with `optimizer`; returns loss and gradient norm.
 * Gradients that do not reach a variable (null) are skipped without shifting
 * the optimizer's per-variable slots.
 */
function update(
  f: () => tf.Scalar,
  vars: tf.Variable[],
  optimizer: tf.Optimizer,
): StepResult {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(f, vars);
    const list = vars.map((v) => ({
      name: v.name,
      tensor: grads[v.name] ?? null,
    }));
    const present = list.filter((g) => g.tensor != null).map((g) =>
      tf.sum(tf.square(g.tensor as tf.Tensor))
    );
    // A chain of adds, not tf.addN: WebGPU's AddN binds one storage buffer
    // per input, and past the adapter's limit (8 on lavapipe) it returns
    // garbage without an error (a 16-variable G got norm 4/3, then NaN).
    const gradNorm = present.length > 0
      ? tf.sqrt(present.reduce((sum, s) => tf.add(sum, s))) as tf.Scalar
      : tf.scalar(0);
    // Array form keeps slot i bound to variable i even when a gradient is null.
    optimizer.applyGradients(
      list as Parameters<tf.Optimizer["applyGradients"]>[0],
    );
    return { loss: value, gradNorm };
  });
}

/**
 * Creates the D and G update functions of one GAN.
 *
 * @param options Models, loss, optimizers, sizes, seed.
 * @returns `dStep` and `gStep`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { createGanStep } from "./gan_step.ts";
 * import { getVariant } from "../models/registry.ts";
 * import { getLoss } from "../losses/registry.ts";
 * import { createOptimizer } from "../losses/optimizers.ts";
 * const loss = getLoss("ns");
 * const { generator, discriminator } = getVariant("mlp").build({
 *   shape: { height: 28, width: 28, channels: 1 }, numClasses: 10, seed: 1, criticNorm: "none",
 * });
 * const step = createGanStep({
 *   generator, discriminator, loss, batchSize: 8, numClasses: 10, seed: 1,
 *   dOptimizer: createOptimizer(loss.optimizer), gOptimizer: createOptimizer(loss.optimizer),
 * });
 * const real = tf.zeros([8, 28, 28, 1]) as tf.Tensor4D;
 * const d = step.dStep(real, null, 0);
 * const g = step.gStep(0);
 * console.log(await d.loss.data(), await g.loss.data());
 * tf.dispose([d.loss, d.gradNorm, g.loss, g.gradNorm, real]);
 * ```
 */
export function createGanStep(options: GanStepOptions): GanStep {
  const { batchSize, numClasses } = options;
  const conditional = options.conditional ?? numClasses > 0;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(
      `train/gan_step: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  if (conditional && !(numClasses >= 2)) {
    throw new Error(
      `train/gan_step: conditional models need numClasses ≥ 2, got ${numClasses}`,
    );
  }
  // initBackend installs these too; both are idempotent, and installing them
  // here keeps a step correct (and fast on CPU) for callers that selected a
  // backend directly.
  registerGradientFixes();
  patchCpuConv2DBackpropFilter();
  const context: StepContext = {
    ...options,
    conditional,
    dVars: options.discriminator.trainableVariables,
    gVars: options.generator.trainableVariables,
  };
  return {
    dStep: (realBatch, realLabels, stepSeed) =>
      discriminatorStep(context, realBatch, realLabels, stepSeed),
    gStep: (stepSeed) => generatorStep(context, stepSeed),
  };
}

/** The options of a step with the derived facts both updates use. */
interface StepContext extends GanStepOptions {
  conditional: boolean;
  /** D's trainable variables. */
  dVars: tf.Variable[];
  /** G's trainable variables. */
  gVars: tf.Variable[];
}

/** One D update (see {@linkcode GanStep.dStep}); clips D's weights after it when the loss says so. */
function discriminatorStep(
  context: StepContext,
  realBatch: tf.Tensor4D,
  realLabels: tf.Tensor1D | null,
  stepSeed: number,
): StepResult {
  const { generator, discriminator, loss, seed, conditional, dVars } = context;
  const n = realBatch.shape[0];
  if (conditional && realLabels == null) {
    throw new Error(
      "train/gan_step: dStep needs labels for a conditional model",
    );
  }
  const labels = conditional ? realLabels : null;
  const result = tf.tidy(() => {
    const z = tf.randomNormal(
      [n, generator.zDim],
      0,
      1,
      "float32",
      deriveSeed(seed, stepSeed, STREAM_D_NOISE),
    ) as tf.Tensor2D;
    // Fakes are constants for the D update (no gradient to G).
    const fake = generator.apply(z, labels, true);
    return update(
      () => {
        const sReal = discriminator.apply(realBatch, labels, true);
        const sFake = discriminator.apply(fake, labels, true);
        let l = loss.dLoss(sReal, sFake);
        if (loss.gradientPenalty !== undefined && loss.gradientPenalty > 0) {
          l = tf.add(
            l,
            gradientPenalty(discriminator, realBatch, fake, {
              weight: loss.gradientPenalty,
              seed: deriveSeed(seed, stepSeed, STREAM_GP),
              labels,
            }),
          );
        }
        return l;
      },
      dVars,
      context.dOptimizer,
    );
  });
  if (loss.clip !== undefined) {
    const c = loss.clip;
    tf.tidy(() => {
      for (const v of dVars) v.assign(tf.clipByValue(v, -c, c));
    });
  }
  return result;
}

/** One G update on fresh noise (see {@linkcode GanStep.gStep}). */
function generatorStep(context: StepContext, stepSeed: number): StepResult {
  const { generator, discriminator, loss, seed, batchSize, numClasses } =
    context;
  return tf.tidy(() => {
    const z = tf.randomNormal(
      [batchSize, generator.zDim],
      0,
      1,
      "float32",
      deriveSeed(seed, stepSeed, STREAM_G_NOISE),
    ) as tf.Tensor2D;
    const labels = context.conditional
      ? tf.randomUniform(
        [batchSize],
        0,
        numClasses,
        "int32",
        deriveSeed(seed, stepSeed, STREAM_G_LABELS),
      ) as tf.Tensor1D
      : null;
    return update(
      () =>
        loss.gLoss(
          discriminator.apply(generator.apply(z, labels, true), labels, true),
        ),
      context.gVars,
      context.gOptimizer,
    );
  });
}

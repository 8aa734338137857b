/**
 * One training step of paired image translation with the pix2pix objective
 * (Isola et al. 2017): G minimises GAN(D(x, G(x))) + λ·‖G(x) − y‖₁ (mean
 * absolute error, λ = 100), D tells real pairs (x, y) from fake pairs
 * (x, G(x)) on its patch map. `GANLoss` as pix2pix's:
 * - `lsgan`: D ½[mean (s_r − 1)² + mean s_f²], G mean (s_f − 1)²;
 * - `bce`: sigmoid cross-entropy on logits, D ½[softplus(−s_r) + softplus(s_f)]
 *   (means), G softplus(−s_f) (the non-saturating form).
 *
 * D's loss is halved as in pix2pix. Objectives: `l1` (no D, G by L1 only),
 * `l1-lsgan`, `l1-bce` (λ·L1 + GAN), `gan-lsgan`, `gan-bce` (λ = 0). Adam
 * 2e-4, β (0.5, 0.999) for both ({@linkcode PIX2PIX_ADAM}).
 *
 * G's forward pass runs once per step: G is updated first (against the
 * current D), then D on the same, now constant, G(x) — pix2pix updates D
 * first and G against the updated D, which costs a second G forward pass
 * here (TF.js records gradients only inside the function it differentiates).
 * Dropout masks come from `deriveSeed(seed, stepSeed, …)`, as gan_step's
 * noise. Nothing is read back to the host; every temporary is in `tf.tidy`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { registerGradientFixes } from "../backend/gradients.ts";
import { patchCpuConv2DBackpropFilter } from "../backend/cpu_kernels.ts";
import { meanAll, softplus } from "../losses/_stable.ts";
import { createOptimizer, type OptimizerSpec } from "../losses/optimizers.ts";
import { deriveSeed } from "../models/layers/param_store.ts";
import type {
  TranslationDiscriminator,
  TranslationGenerator,
} from "../models/translation/types.ts";

/** The objectives of the translation track. */
export const TRANSLATION_OBJECTIVES = [
  "l1",
  "l1-lsgan",
  "l1-bce",
  "gan-lsgan",
  "gan-bce",
] as const;
/** One objective id. */
export type TranslationObjective = typeof TRANSLATION_OBJECTIVES[number];

/** pix2pix's optimizer for G and D: Adam 2e-4, β₁ 0.5, β₂ 0.999. */
export const PIX2PIX_ADAM: OptimizerSpec = {
  name: "adam",
  learningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
};

/** pix2pix's L1 weight λ. */
export const DEFAULT_L1_WEIGHT = 100;

/** Options of {@linkcode createTranslationStep}. */
export interface TranslationStepOptions {
  /** The generator G(x). */
  generator: TranslationGenerator;
  /** The patch discriminator; required unless the objective is `l1`. */
  discriminator?: TranslationDiscriminator | null;
  /** The objective. */
  objective: TranslationObjective;
  /** λ of the L1 term (default 100; forced to 0 by the `gan-*` objectives). */
  l1Weight?: number;
  /** Optimizer spec of both (default {@linkcode PIX2PIX_ADAM}). */
  optimizer?: OptimizerSpec;
  /** Run seed; mixed into every step's dropout seed. */
  seed: number;
}

/** What one step returns: scalars on the device (dispose them when read). */
export interface TranslationStepResult {
  /** D's loss (halved sum over real and fake); null for `l1`. */
  dLoss: tf.Scalar | null;
  /** G's GAN term; null for `l1`. */
  gGan: tf.Scalar | null;
  /** Mean |G(x) − y| (reported by every objective, weighted only by `l1*`). */
  gL1: tf.Scalar;
}

/** The step function and its optimizers. */
export interface TranslationStep {
  /**
   * One G update then one D update on a batch of pairs.
   *
   * @param input Inputs x [N, H, W, Cin] in [−1, 1].
   * @param target Targets y [N, H, W, Cout] in [−1, 1].
   * @param stepSeed Seed of this step's dropout masks.
   * @returns The losses as scalars.
   */
  step(
    input: tf.Tensor4D,
    target: tf.Tensor4D,
    stepSeed: number,
  ): TranslationStepResult;
  /** G's optimizer (for checkpoints). */
  readonly gOptimizer: tf.Optimizer;
  /** D's optimizer; null for `l1`. */
  readonly dOptimizer: tf.Optimizer | null;
  /** The L1 weight in use (0 for `gan-*`). */
  readonly l1Weight: number;
  /** Disposes the optimizers (not the models). */
  dispose(): void;
}

const STREAM_G_DROPOUT = 11;

/** pix2pix's `GANLoss` on raw patch maps. */
interface GanLoss {
  d(sReal: tf.Tensor, sFake: tf.Tensor): tf.Scalar;
  g(sFake: tf.Tensor): tf.Scalar;
}

const LSGAN: GanLoss = {
  d: (r, f) =>
    tf.mul(
      tf.add(meanAll(tf.square(tf.sub(r, 1))), meanAll(tf.square(f))),
      0.5,
    ) as tf.Scalar,
  g: (f) => meanAll(tf.square(tf.sub(f, 1))),
};

const BCE: GanLoss = {
  d: (r, f) =>
    tf.mul(
      tf.add(meanAll(softplus(tf.neg(r))), meanAll(softplus(f))),
      0.5,
    ) as tf.Scalar,
  g: (f) => meanAll(softplus(tf.neg(f))),
};

/** Minimises `f` over `vars` (null gradients keep their optimizer slot). */
function minimise(
  f: () => tf.Scalar,
  vars: tf.Variable[],
  optimizer: tf.Optimizer,
): void {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(f, vars);
    const list = vars.map((v) => ({
      name: v.name,
      tensor: grads[v.name] ?? null,
    }));
    optimizer.applyGradients(
      list as Parameters<tf.Optimizer["applyGradients"]>[0],
    );
  });
}

/**
 * Creates the training step of one objective.
 *
 * @param options Models, objective, λ, optimizer, seed.
 * @returns The step, its optimizers and `dispose`.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildUnet } from "../models/translation/unet.ts";
 * import { buildPatchDiscriminator } from "../models/translation/patch_discriminator.ts";
 * import { createTranslationStep } from "./translation_step.ts";
 * await tf.setBackend("cpu");
 * const tiny = { size: 32, seed: 1, widthMultiplier: 1 / 16 };
 * const generator = buildUnet({ ...tiny, inChannels: 1, outChannels: 3 });
 * const discriminator = buildPatchDiscriminator({ ...tiny, inputChannels: 1, imageChannels: 3 });
 * const t = createTranslationStep({ generator, discriminator, objective: "l1-lsgan", seed: 1 });
 * const x = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const y = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D;
 * const r = t.step(x, y, 0);
 * console.log(await r.gL1.data());
 * tf.dispose([x, y, r.dLoss!, r.gGan!, r.gL1]);
 * t.dispose();
 * generator.dispose();
 * discriminator.dispose();
 * ```
 */
export function createTranslationStep(
  options: TranslationStepOptions,
): TranslationStep {
  const { generator, objective, seed } = options;
  const where = "train/translation_step";
  if (!(TRANSLATION_OBJECTIVES as readonly string[]).includes(objective)) {
    throw new Error(
      `${where}: unknown objective ${JSON.stringify(objective)} (accepted: ${
        TRANSLATION_OBJECTIVES.join(", ")
      })`,
    );
  }
  const discriminator = objective === "l1"
    ? null
    : options.discriminator ?? null;
  if (objective !== "l1" && discriminator == null) {
    throw new Error(`${where}: objective ${objective} needs a discriminator`);
  }
  const l1Weight = objective.startsWith("gan-")
    ? 0
    : options.l1Weight ?? DEFAULT_L1_WEIGHT;
  if (!(l1Weight >= 0) || !Number.isFinite(l1Weight)) {
    throw new Error(`${where}: l1Weight must be ≥ 0, got ${l1Weight}`);
  }
  if (objective === "l1" && l1Weight === 0) {
    throw new Error(`${where}: objective l1 needs l1Weight > 0`);
  }
  registerGradientFixes();
  patchCpuConv2DBackpropFilter();
  const gan = objective.endsWith("lsgan") ? LSGAN : BCE;
  const spec = options.optimizer ?? PIX2PIX_ADAM;
  const gOptimizer = createOptimizer(spec);
  const dOptimizer = discriminator ? createOptimizer(spec) : null;
  const gVars = generator.trainableVariables;

  const step = (
    input: tf.Tensor4D,
    target: tf.Tensor4D,
    stepSeed: number,
  ): TranslationStepResult => {
    const [n, h, w] = input.shape;
    if (
      target.rank !== 4 || target.shape[0] !== n || target.shape[1] !== h ||
      target.shape[2] !== w
    ) {
      throw new Error(
        `${where}: target [${target.shape}] does not match input [${input.shape}] in N, H, W`,
      );
    }
    const noise = deriveSeed(seed, stepSeed, STREAM_G_DROPOUT);
    // Tensors the loss closures hand out of their tidy scopes.
    const out: {
      fake?: tf.Tensor4D;
      gL1?: tf.Scalar;
      gGan?: tf.Scalar;
      dLoss?: tf.Scalar;
    } = {};
    minimise(
      () => {
        const fake = generator.apply(input, true, noise);
        out.fake = tf.keep(fake);
        const l1 = tf.keep(meanAll(tf.abs(tf.sub(fake, target))));
        out.gL1 = l1;
        if (!discriminator) return tf.mul(l1, l1Weight) as tf.Scalar;
        const g = tf.keep(gan.g(discriminator.apply(input, fake, true)));
        out.gGan = g;
        return l1Weight > 0 ? tf.add(tf.mul(l1, l1Weight), g) as tf.Scalar : g;
      },
      gVars,
      gOptimizer,
    );
    const fake = out.fake as tf.Tensor4D;
    if (discriminator && dOptimizer) {
      minimise(
        () => {
          const sReal = discriminator.apply(input, target, true);
          const sFake = discriminator.apply(input, fake, true);
          out.dLoss = tf.keep(gan.d(sReal, sFake));
          return out.dLoss;
        },
        discriminator.trainableVariables,
        dOptimizer,
      );
    }
    fake.dispose();
    return {
      dLoss: out.dLoss ?? null,
      gGan: out.gGan ?? null,
      gL1: out.gL1 as tf.Scalar,
    };
  };

  return {
    step,
    gOptimizer,
    dOptimizer,
    l1Weight,
    dispose() {
      gOptimizer.dispose();
      dOptimizer?.dispose();
    },
  };
}

/**
 * One translation cell's training loop: builds the pix2pix U-Net and (but
 * for `l1`) the conditional PatchGAN for a paired task, draws seeded random
 * training batches, runs `createTranslationStep` once per step, reads the
 * losses in small batches, evaluates every `evalEvery` steps (and at the
 * end) through a callback and checkpoints every `checkpointEvery` steps, so
 * that an interrupted cell resumes bit for bit (`translation_state.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BatchSampler } from "../data/sampler.ts";
import { pairTensors } from "../data/pairs/tensor.ts";
import type { PairedDataset } from "../data/pairs/types.ts";
import { deriveSeed } from "../models/layers/param_store.ts";
import { buildUnet } from "../models/translation/unet.ts";
import { buildPatchDiscriminator } from "../models/translation/patch_discriminator.ts";
import type {
  TranslationDiscriminator,
  TranslationGenerator,
  TranslationModelConfig,
} from "../models/translation/types.ts";
import type { ProgressReporter } from "./progress.ts";
import {
  createTranslationStep,
  type TranslationObjective,
  type TranslationStep,
} from "./translation_step.ts";
import {
  restoreTranslationState,
  saveTranslationState,
} from "./translation_state.ts";

/** Steps between the reads of the loss scalars. */
const READ_EVERY = 25;

/** The settings the loop needs. */
export interface TranslationTrainConfig {
  /** Training steps (one G and, but for `l1`, one D update each). */
  steps: number;
  /** Pairs per batch. */
  batchSize: number;
  /** Evaluate every this many steps and at the last step. */
  evalEvery: number;
  /** Checkpoint every this many steps (0: never); a multiple of `evalEvery`. */
  checkpointEvery: number;
  /** Seed of weights, batch order and dropout. */
  seed: number;
  /** λ of the L1 term. */
  l1Weight: number;
  /** PatchGAN n_layers. */
  nLayers: number;
  /** Width multiplier of G and D. */
  widthMultiplier: number;
}

/** Loss means over the steps since the previous evaluation. */
export interface TranslationMeans {
  /** Mean D loss; null for `l1`. */
  dLoss: number | null;
  /** Mean G loss (λ·L1 + GAN term). */
  gLoss: number;
  /** Mean L1 term |G(x) − y| (in [−1, 1] units). */
  gL1: number;
}

/** What the evaluation callback receives. */
export interface TranslationEvaluationContext {
  /** Completed steps. */
  step: number;
  /** The generator (do not dispose). */
  generator: TranslationGenerator;
  /** The discriminator; null for `l1` (do not dispose). */
  discriminator: TranslationDiscriminator | null;
  /** Loss means since the last evaluation. */
  means: TranslationMeans;
  /** Training pairs consumed so far (steps × batch). */
  imagesSeen: number;
  /** Training seconds so far (across resumes, evaluation excluded). */
  trainSeconds: number;
  /** Training pairs per second since the cell started. */
  imagesPerSecond: number;
}

/** Options of {@linkcode trainTranslationCell}. */
export interface TranslationTrainOptions {
  /** Cell id (progress lines and messages). */
  cellId: string;
  /** The task's pairs. */
  pairs: PairedDataset;
  /** The objective. */
  objective: TranslationObjective;
  /** The schedule and model settings. */
  config: TranslationTrainConfig;
  /** Checkpoint file to resume from and write to (none: no checkpoints). */
  checkpointPath?: string;
  /** Called at every evaluation step. */
  onEvaluate?: (context: TranslationEvaluationContext) => Promise<void>;
  /** Live progress lines. */
  progress?: ProgressReporter;
}

/** How a translation cell ended. */
export interface TranslationOutcome {
  /** `finished`, or `diverged` when a loss became NaN or ±Inf. */
  status: "finished" | "diverged";
  /** The last completed step (the diverging one, when diverged). */
  step: number;
  /** The step it resumed from (0 when fresh). */
  resumedFrom: number;
  /** What was non-finite, when diverged. */
  divergence?: string;
  /** The models built. */
  models: {
    generator: TranslationModelConfig;
    discriminator: TranslationModelConfig | null;
  };
  /** Training seconds (across resumes). */
  trainSeconds: number;
  /** Training pairs per second. */
  imagesPerSecond: number;
}

/** The models, the step and the sampler of a cell. */
interface Built {
  generator: TranslationGenerator;
  discriminator: TranslationDiscriminator | null;
  step: TranslationStep;
  sampler: BatchSampler;
}

function build(options: TranslationTrainOptions): Built {
  const { pairs, objective, config } = options;
  const { inputShape, targetShape } = pairs.task;
  const generator = buildUnet({
    size: inputShape.height,
    inChannels: inputShape.channels,
    outChannels: targetShape.channels,
    seed: deriveSeed(config.seed, 0, 1),
    widthMultiplier: config.widthMultiplier,
  });
  const discriminator = objective === "l1" ? null : buildPatchDiscriminator({
    size: inputShape.height,
    inputChannels: inputShape.channels,
    imageChannels: targetShape.channels,
    nLayers: config.nLayers,
    seed: deriveSeed(config.seed, 0, 2),
    widthMultiplier: config.widthMultiplier,
  });
  const step = createTranslationStep({
    generator,
    discriminator,
    objective,
    l1Weight: config.l1Weight,
    seed: config.seed,
  });
  const sampler = new BatchSampler(
    pairs.train.count,
    config.batchSize,
    config.seed,
  );
  return { generator, discriminator, step, sampler };
}

/** Loss scalars waiting to be read, and the interval's sums. */
class Meter {
  #queued: Array<{ step: number; scalars: (tf.Scalar | null)[] }> = [];
  #sums = [0, 0, 0];
  #count = 0;
  divergence: { step: number; what: string } | undefined;

  constructor(readonly l1Weight: number) {}

  get queued(): number {
    return this.#queued.length;
  }

  push(step: number, scalars: (tf.Scalar | null)[]): void {
    this.#queued.push({ step, scalars });
  }

  async drain(): Promise<void> {
    const queued = this.#queued;
    this.#queued = [];
    const names = ["d_loss", "g_gan", "g_l1"];
    for (const { step, scalars } of queued) {
      const values = await Promise.all(
        scalars.map((s) => s ? s.data().then((d) => d[0]) : null),
      );
      tf.dispose(scalars.filter((s): s is tf.Scalar => s !== null));
      const bad = values.findIndex((v) => v !== null && !Number.isFinite(v));
      if (bad >= 0 && !this.divergence) {
        this.divergence = { step, what: `${names[bad]} = ${values[bad]}` };
      }
      const [d, gan, l1] = values;
      this.#sums[0] += d ?? 0;
      this.#sums[1] += this.l1Weight * (l1 ?? 0) + (gan ?? 0);
      this.#sums[2] += l1 ?? 0;
      this.#count++;
    }
  }

  means(hasD: boolean): TranslationMeans {
    const n = Math.max(1, this.#count);
    const out = {
      dLoss: hasD ? this.#sums[0] / n : null,
      gLoss: this.#sums[1] / n,
      gL1: this.#sums[2] / n,
    };
    this.#sums = [0, 0, 0];
    this.#count = 0;
    return out;
  }
}

/**
 * Trains one translation cell to its end, resuming from its checkpoint
 * when there is one. Every tensor it makes is disposed before it returns.
 *
 * @param options The pairs, objective, settings, checkpoint and callbacks.
 * @returns How the cell ended.
 * @example
 * ```ts ignore
 * import { loadPairs } from "../data/pairs/registry.ts";
 * const pairs = await loadPairs("inpaint-mnist");
 * const outcome = await trainTranslationCell({
 *   cellId: "inpaint-mnist-pix2pix-l1-s0", pairs, objective: "l1",
 *   config: { steps: 20, batchSize: 16, evalEvery: 10, checkpointEvery: 0,
 *     seed: 0, l1Weight: 100, nLayers: 2, widthMultiplier: 1 / 8 },
 * });
 * ```
 */
export async function trainTranslationCell(
  options: TranslationTrainOptions,
): Promise<TranslationOutcome> {
  const built = build(options);
  const { generator, discriminator, step, sampler } = built;
  try {
    const restored = options.checkpointPath
      ? await restoreTranslationState(options.checkpointPath, {
        generator,
        discriminator,
        gOptimizer: step.gOptimizer,
        dOptimizer: step.dOptimizer,
      })
      : null;
    const start = restored?.step ?? 0;
    // The batch order is a pure function of (seed, batches drawn).
    if (restored) sampler.seek(start);
    return await loop(options, built, start, restored?.trainSeconds ?? 0);
  } finally {
    step.dispose();
    generator.dispose();
    discriminator?.dispose();
  }
}

/** The training loop from `start` to the end of the budget or divergence. */
async function loop(
  options: TranslationTrainOptions,
  built: Built,
  start: number,
  before: number,
): Promise<TranslationOutcome> {
  const { config, pairs } = options;
  const { generator, discriminator, step, sampler } = built;
  const meter = new Meter(step.l1Weight);
  const began = performance.now();
  let excluded = 0;
  const seconds = () => before + (performance.now() - began) / 1000 - excluded;
  let current = start;
  while (current < config.steps && !meter.divergence) {
    const { input, target } = pairTensors(pairs.train.batch(sampler.next()));
    const r = step.step(input, target, current);
    tf.dispose([input, target]);
    meter.push(current + 1, [r.dLoss, r.gGan, r.gL1]);
    current++;
    const evaluate = current % config.evalEvery === 0 ||
      current === config.steps;
    if (evaluate || meter.queued >= READ_EVERY) {
      await meter.drain();
      const s = Math.max(1e-9, seconds() - before);
      options.progress?.update({
        cell: options.cellId,
        step: current,
        total: config.steps,
        imagesPerSecond: ((current - start) * config.batchSize) / s,
        stepsPerSecond: (current - start) / s,
      });
    }
    if (meter.divergence || !evaluate) continue;
    const evalStart = performance.now();
    const elapsed = seconds();
    await options.onEvaluate?.({
      step: current,
      generator,
      discriminator,
      means: meter.means(discriminator !== null),
      imagesSeen: current * config.batchSize,
      trainSeconds: elapsed,
      imagesPerSecond: (current * config.batchSize) / Math.max(1e-9, elapsed),
    });
    if (
      options.checkpointPath && config.checkpointEvery > 0 &&
      current % config.checkpointEvery === 0 && current < config.steps
    ) {
      await saveTranslationState(options.checkpointPath, current, elapsed, {
        generator,
        discriminator,
        gOptimizer: step.gOptimizer,
        dOptimizer: step.dOptimizer,
      });
    }
    excluded += (performance.now() - evalStart) / 1000;
  }
  await meter.drain();
  const elapsed = seconds();
  const done = meter.divergence ? meter.divergence.step : current;
  return {
    status: meter.divergence ? "diverged" : "finished",
    step: done,
    resumedFrom: start,
    divergence: meter.divergence?.what,
    models: {
      generator: generator.config,
      discriminator: discriminator?.config ?? null,
    },
    trainSeconds: elapsed,
    imagesPerSecond: (done * config.batchSize) / Math.max(1e-9, elapsed),
  };
}

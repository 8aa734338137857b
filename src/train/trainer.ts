/**
 * The training loop of one cell: n_critic D steps per G step with fresh
 * noise each step, periodic evaluation through a callback, atomic
 * checkpoints, resume, and divergence detection.
 *
 * Losses stay on the device as scalars and are read asynchronously in small
 * batches (every {@linkcode READ_EVERY} steps and at each evaluation), so a
 * GPU backend is never stalled by a per-step synchronous read.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/types.ts";
import { BatchSampler } from "../data/sampler.ts";
import { getVariant } from "../models/registry.ts";
import type {
  CriticNorm,
  Discriminator,
  Generator,
  ImageShape,
  ModelConfig,
} from "../models/types.ts";
import { getLoss, resolvePair } from "../losses/registry.ts";
import { GeneratorEma } from "./ema.ts";
import type { OptimizerSpec } from "../losses/optimizers.ts";
import {
  createOptimizer,
  readOptimizerState,
  writeOptimizerState,
} from "../losses/optimizers.ts";
import { createGanStep } from "./gan_step.ts";
import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import type { NamedTensor } from "./checkpoint.ts";
import type { ProgressReporter } from "./progress.ts";
import { realBatch, trainingShape } from "./real_batch.ts";

/** Steps between the asynchronous reads of the loss scalars. */
export const READ_EVERY = 25;

/** The training budget and schedule of a cell. */
export interface TrainConfig {
  /** Generator steps (each preceded by n_critic D steps). */
  steps: number;
  /** Images per batch. */
  batchSize: number;
  /** Evaluate every this many G steps (and at the last step). */
  evalEvery: number;
  /** Checkpoint every this many G steps; a multiple of `evalEvery`; 0 = never. */
  checkpointEvery: number;
  /** Seed of weights, noise and batch order. */
  seed: number;
  /** D steps per G step; absent = the loss's default. */
  nCritic?: number;
  /** Gradient-penalty weight; absent = the loss's default. */
  gradientPenalty?: number;
  /** Weight-clipping bound; absent = the loss's default. */
  clip?: number;
  /** D normalisation; absent = the variant's default (LayerNorm for a penalised critic). */
  criticNorm?: CriticNorm;
  /** Scales every hidden width (default 1; small values make tiny test models). */
  widthMultiplier?: number;
  /** D optimizer settings that replace the loss's defaults. */
  dOptimizer?: Partial<OptimizerSpec>;
  /** G optimizer settings that replace the loss's defaults. */
  gOptimizer?: Partial<OptimizerSpec>;
  /**
   * Decay of an exponential moving average of G's weights that evaluation
   * samples from (see `ema.ts`); absent or 0 = evaluate the raw G.
   */
  gEma?: number;
}

/** Means over one evaluation interval. */
export interface IntervalMeans {
  /** Mean D loss over the interval's D steps. */
  dLoss: number;
  /** Mean G loss over the interval's G steps. */
  gLoss: number;
  /** Mean global L2 norm of D's parameter gradients. */
  gradNormD: number;
  /** Mean global L2 norm of G's parameter gradients. */
  gradNormG: number;
}

/** What the evaluation callback receives. */
export interface EvaluationContext {
  /** Completed G steps. */
  step: number;
  /** The generator (use it in inference mode; do not dispose). */
  generator: Generator;
  /**
   * The generator to draw evaluation samples from: the weight average when
   * `gEma` is set, else `generator` (inference mode; do not dispose).
   */
  sampleGenerator: Generator;
  /** The discriminator (use it in inference mode; do not dispose). */
  discriminator: Discriminator;
  /** The image shape the models work at (may be the padded shape). */
  trainShape: ImageShape;
  /** Loss and gradient-norm means since the last evaluation. */
  means: IntervalMeans;
  /** Real images consumed so far (D steps × batch). */
  imagesSeen: number;
  /** Training seconds so far (across resumes; evaluation time excluded). */
  trainSeconds: number;
  /** Training images per second (D and G images) since the cell started. */
  imagesPerSecond: number;
}

/** Options of {@linkcode trainCell}. */
export interface TrainCellOptions {
  /** Cell id, used in progress lines and error messages. */
  cellId: string;
  /** The loaded data set. */
  dataset: Dataset;
  /** Variant id, e.g. `dcgan`. */
  variant: string;
  /** Loss id, e.g. `wgan-gp`. */
  loss: string;
  /** Budget, schedule, seed, optimizer overrides. */
  config: TrainConfig;
  /** Checkpoint file to resume from and write to (none: no checkpoints). */
  checkpointPath?: string;
  /** Called at every evaluation step, after training up to it. */
  onEvaluate?: (context: EvaluationContext) => Promise<void>;
  /** Live progress lines. */
  progress?: ProgressReporter;
}

/** How a cell ended. */
export interface CellOutcome {
  /** `finished`, or `diverged` when a loss became NaN or ±Inf. */
  status: "finished" | "diverged";
  /** The last completed G step (the step that diverged, when diverged). */
  step: number;
  /** The G step the cell resumed from (0 when it started fresh). */
  resumedFrom: number;
  /** What was non-finite, when diverged. */
  divergence?: string;
  /** The architecture actually built (including substitutions). */
  modelConfig: ModelConfig;
  /** Training seconds (across resumes). */
  trainSeconds: number;
  /** Training images per second (D and G images). */
  imagesPerSecond: number;
}

/**
 * Trains one cell from scratch or from its checkpoint.
 *
 * @param options The cell, its data and the callbacks.
 * @returns How the cell ended. Models and optimizers are disposed.
 * @example
 * ```ts ignore
 * const outcome = await trainCell({
 *   cellId: "synthetic-mlp-ns-s0", dataset, variant: "mlp", loss: "ns",
 *   config: { steps: 20, batchSize: 16, evalEvery: 10, checkpointEvery: 0, seed: 0 },
 * });
 * ```
 */
export async function trainCell(
  options: TrainCellOptions,
): Promise<CellOutcome> {
  const { dataset, config, cellId } = options;
  validateConfig(cellId, config);
  const variant = getVariant(options.variant);
  const loss = getLoss(options.loss, {
    nCritic: config.nCritic,
    gradientPenalty: config.gradientPenalty,
    clip: config.clip,
  });
  const pair = resolvePair(options.variant, options.loss, {
    criticNorm: config.criticNorm,
  });
  const shape = trainingShape(variant, dataset);
  const buildOptions = {
    shape,
    numClasses: dataset.numClasses,
    seed: config.seed,
    criticNorm: pair.criticNorm,
    scope: `${cellId}/`,
    widthMultiplier: config.widthMultiplier,
  };
  const built = variant.build(buildOptions);
  // resolvePair's note names the reason (e.g. "(gradient penalty)"); the
  // model's own note for the same swap is then redundant.
  const modelConfig = {
    ...built.config,
    substitutions: [
      ...pair.substitutions,
      ...built.config.substitutions.filter((note) =>
        !pair.substitutions.some((p) => p.startsWith(note))
      ),
    ],
  };
  const { generator, discriminator } = built;
  let ema: GeneratorEma | undefined;
  if (config.gEma) {
    const copy = variant.build({ ...buildOptions, scope: `${cellId}/ema/` });
    copy.discriminator.dispose();
    ema = new GeneratorEma(generator, copy.generator, config.gEma);
  }
  const dOptimizer = createOptimizer({
    ...loss.optimizer,
    ...config.dOptimizer,
  });
  const gOptimizer = createOptimizer({
    ...loss.optimizer,
    ...config.gOptimizer,
  });
  const step = createGanStep({
    generator,
    discriminator,
    loss,
    dOptimizer,
    gOptimizer,
    batchSize: config.batchSize,
    numClasses: variant.conditional ? dataset.numClasses : 0,
    conditional: variant.conditional,
    seed: config.seed,
  });
  const sampler = new BatchSampler(
    dataset.train.count,
    config.batchSize,
    config.seed,
  );
  const conditional = variant.conditional;
  const imagesPerStep = config.batchSize * (loss.nCritic + 1);

  let startStep = 0;
  let trainSecondsBefore = 0;
  try {
    if (options.checkpointPath) {
      const restored = await restore(options.checkpointPath, {
        generator,
        discriminator,
        dOptimizer,
        gOptimizer,
        ema,
      });
      if (restored) {
        startStep = restored.step;
        trainSecondsBefore = restored.trainSeconds;
        // The batch order is a pure function of (seed, batches drawn).
        sampler.seek(startStep * loss.nCritic);
      }
    }

    const pending: Array<{ step: number; d: tf.Scalar[]; g: tf.Scalar[] }> = [];
    const sums = { dLoss: 0, gLoss: 0, gradNormD: 0, gradNormG: 0, d: 0, g: 0 };
    let lastMeans: { dLoss?: number; gLoss?: number } = {};
    let divergence: { step: number; what: string } | undefined;

    // Reads the queued loss scalars, adds them to the interval sums and finds
    // the first non-finite one.
    const drain = async (): Promise<void> => {
      if (pending.length === 0) return;
      const flat = pending.flatMap((p) => [...p.d, ...p.g]);
      const stacked = tf.stack(flat);
      const values = await stacked.data();
      stacked.dispose();
      tf.dispose(flat);
      let offset = 0;
      for (const entry of pending) {
        const dCount = entry.d.length;
        const gCount = entry.g.length;
        const dValues = values.subarray(offset, offset + dCount);
        const gValues = values.subarray(
          offset + dCount,
          offset + dCount + gCount,
        );
        offset += dCount + gCount;
        if (!divergence) {
          const bad = [...dValues].find((v) => !Number.isFinite(v)) ??
            [...gValues].find((v) => !Number.isFinite(v));
          if (bad !== undefined) {
            divergence = {
              step: entry.step,
              what: `loss ${bad} at step ${entry.step}`,
            };
          }
        }
        // Layout per step: D losses, D grad norms, then G loss, G grad norm.
        const half = dCount / 2;
        for (let i = 0; i < half; i++) {
          sums.dLoss += dValues[i];
          sums.gradNormD += dValues[half + i];
          sums.d++;
        }
        sums.gLoss += gValues[0];
        sums.gradNormG += gValues[1];
        sums.g++;
      }
      lastMeans = { dLoss: sums.dLoss / sums.d, gLoss: sums.gLoss / sums.g };
      pending.length = 0;
    };

    const started = performance.now();
    let evalSeconds = 0;
    const trainSeconds = () =>
      trainSecondsBefore + (performance.now() - started) / 1000 - evalSeconds;

    let current = startStep;
    while (current < config.steps && !divergence) {
      const dValues: tf.Scalar[] = [];
      const dNorms: tf.Scalar[] = [];
      for (let k = 0; k < loss.nCritic; k++) {
        const indices = sampler.next();
        const { images, labels } = realBatch(
          dataset,
          shape,
          indices,
          conditional,
        );
        const result = step.dStep(
          images,
          labels,
          stepSeed(config.seed, current, k),
        );
        tf.dispose([images, labels ?? []]);
        dValues.push(result.loss);
        dNorms.push(result.gradNorm);
      }
      const g = step.gStep(stepSeed(config.seed, current, loss.nCritic));
      current++;
      ema?.update(current);
      pending.push({
        step: current,
        d: [...dValues, ...dNorms],
        g: [g.loss, g.gradNorm],
      });

      const evaluate = current % config.evalEvery === 0 ||
        current === config.steps;
      if (evaluate || pending.length >= READ_EVERY) {
        await drain();
        const elapsed = trainSeconds();
        options.progress?.update({
          cell: cellId,
          step: current,
          total: config.steps,
          imagesPerSecond: ((current - startStep) * imagesPerStep) /
            Math.max(1e-9, elapsed - trainSecondsBefore),
          stepsPerSecond: (current - startStep) /
            Math.max(1e-9, elapsed - trainSecondsBefore),
          ...lastMeans,
        });
      }
      if (divergence) break;
      if (evaluate) {
        const evalStart = performance.now();
        const elapsed = trainSeconds();
        ema?.refreshStatistics(conditional ? dataset.numClasses : 0);
        if (options.onEvaluate) {
          await options.onEvaluate({
            step: current,
            generator,
            sampleGenerator: ema?.generator ?? generator,
            discriminator,
            trainShape: shape,
            means: {
              dLoss: sums.dLoss / sums.d,
              gLoss: sums.gLoss / sums.g,
              gradNormD: sums.gradNormD / sums.d,
              gradNormG: sums.gradNormG / sums.g,
            },
            imagesSeen: current * loss.nCritic * config.batchSize,
            trainSeconds: elapsed,
            imagesPerSecond: (current * imagesPerStep) /
              Math.max(1e-9, elapsed),
          });
        }
        sums.dLoss =
          sums.gLoss =
          sums.gradNormD =
          sums.gradNormG =
            0;
        sums.d = sums.g = 0;
        if (
          options.checkpointPath && config.checkpointEvery > 0 &&
          (current % config.checkpointEvery === 0) && current < config.steps
        ) {
          await save(options.checkpointPath, current, elapsed, {
            generator,
            discriminator,
            dOptimizer,
            gOptimizer,
            ema,
          });
        }
        evalSeconds += (performance.now() - evalStart) / 1000;
      }
    }
    await drain();
    const elapsed = trainSeconds();
    const done = divergence ? divergence.step : current;
    return {
      status: divergence ? "diverged" : "finished",
      step: done,
      resumedFrom: startStep,
      divergence: divergence?.what,
      modelConfig,
      trainSeconds: elapsed,
      imagesPerSecond: (done * imagesPerStep) / Math.max(1e-9, elapsed),
    };
  } finally {
    ema?.dispose();
    generator.dispose();
    discriminator.dispose();
    dOptimizer.dispose();
    gOptimizer.dispose();
  }
}

/**
 * The seed of one phase of one step: D step k (0 … n_critic−1) or the G step
 * (k = n_critic). A pure function, so a resumed cell draws the same noise.
 *
 * @param seed The cell's seed.
 * @param step The G step (0-based).
 * @param phase The phase within the step.
 * @returns A 31-bit integer seed.
 */
export function stepSeed(seed: number, step: number, phase: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ step) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = (h ^ Math.imul(phase + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

function validateConfig(cellId: string, config: TrainConfig): void {
  const positive = ["steps", "batchSize", "evalEvery"] as const;
  for (const key of positive) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new Error(
        `cell ${cellId}: ${key} must be a positive integer, got ${config[key]}`,
      );
    }
  }
  if (
    !Number.isInteger(config.checkpointEvery) || config.checkpointEvery < 0 ||
    config.checkpointEvery % config.evalEvery !== 0
  ) {
    throw new Error(
      `cell ${cellId}: checkpointEvery (${config.checkpointEvery}) must be 0 or a multiple of evalEvery (${config.evalEvery})`,
    );
  }
  if (
    config.gEma !== undefined && !(config.gEma >= 0 && config.gEma < 1)
  ) {
    throw new Error(
      `cell ${cellId}: gEma must be 0 (off) or a decay in (0, 1), got ${config.gEma}`,
    );
  }
}

interface TrainState {
  generator: Generator;
  discriminator: Discriminator;
  dOptimizer: tf.Optimizer;
  gOptimizer: tf.Optimizer;
  ema?: GeneratorEma;
}

/** Checkpoint names of the averaged generator's tensors: `ema/<G key>`. */
const EMA_PREFIX = "ema/";

async function save(
  path: string,
  step: number,
  trainSeconds: number,
  state: TrainState,
): Promise<void> {
  const tensors: NamedTensor[] = [
    ...state.generator.keys.map((name, i) => ({
      name,
      tensor: state.generator.variables[i] as tf.Tensor,
    })),
    ...state.discriminator.keys.map((name, i) => ({
      name,
      tensor: state.discriminator.variables[i] as tf.Tensor,
    })),
    ...(state.ema
      ? state.generator.keys.map((name, i) => ({
        name: EMA_PREFIX + name,
        tensor: state.ema!.generator.variables[i] as tf.Tensor,
      }))
      : []),
  ];
  // Optimizer slots come back as host arrays; they live as tensors only
  // while the checkpoint is written.
  const slots: tf.Tensor[] = [];
  for (
    const [prefix, optimizer] of [
      ["optD/", state.dOptimizer],
      ["optG/", state.gOptimizer],
    ] as const
  ) {
    for (const entry of await readOptimizerState(optimizer)) {
      const tensor = tf.tensor(entry.values, entry.shape, "float32");
      slots.push(tensor);
      tensors.push({ name: prefix + entry.name, tensor });
    }
  }
  try {
    await writeCheckpoint(path, {
      step,
      state: {
        trainSeconds,
        gRandom: state.generator.randomState?.save() ?? [],
        dRandom: state.discriminator.randomState?.save() ?? [],
      },
      tensors,
    });
  } finally {
    tf.dispose(slots);
  }
}

async function restore(
  path: string,
  state: TrainState,
): Promise<{ step: number; trainSeconds: number } | null> {
  const checkpoint = await readCheckpoint(path);
  if (!checkpoint) return null;
  const byName = new Map(checkpoint.tensors.map((t) => [t.name, t.tensor]));
  try {
    for (const module of [state.generator, state.discriminator]) {
      module.keys.forEach((key, i) => {
        const value = byName.get(key);
        if (!value) {
          throw new Error(`checkpoint ${path}: missing tensor '${key}'`);
        }
        module.variables[i].assign(value);
      });
    }
    if (state.ema) {
      const ema = state.ema;
      state.generator.keys.forEach((key, i) => {
        const value = byName.get(EMA_PREFIX + key);
        if (!value) {
          throw new Error(
            `checkpoint ${path}: missing tensor '${EMA_PREFIX}${key}' (written without gEma)`,
          );
        }
        ema.generator.variables[i].assign(value);
      });
    }
    for (
      const [prefix, optimizer] of [
        ["optD/", state.dOptimizer],
        ["optG/", state.gOptimizer],
      ] as const
    ) {
      const entries = [];
      for (const t of checkpoint.tensors) {
        if (!t.name.startsWith(prefix)) continue;
        entries.push({
          name: t.name.slice(prefix.length),
          shape: [...t.tensor.shape],
          values: new Float32Array(await t.tensor.data()),
        });
      }
      await writeOptimizerState(optimizer, entries);
    }
  } finally {
    tf.dispose(checkpoint.tensors.map((t) => t.tensor));
  }
  state.generator.randomState?.restore(checkpoint.state.gRandom as number[]);
  state.discriminator.randomState?.restore(
    checkpoint.state.dRandom as number[],
  );
  return {
    step: checkpoint.step,
    trainSeconds: Number(checkpoint.state.trainSeconds ?? 0),
  };
}

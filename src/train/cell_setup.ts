/**
 * Building what a cell trains: the variant's G and D (plus G's moving
 * average, when on), the loss, both optimizers, the step functions and the
 * batch sampler, and the architecture actually built for the run config.
 *
 * @module
 */
import type { Dataset } from "../data/types.ts";
import { BatchSampler } from "../data/sampler.ts";
import { getVariant } from "../models/registry.ts";
import type { ImageShape, ModelConfig } from "../models/types.ts";
import { getLoss, resolvePair } from "../losses/registry.ts";
import type { PairResolution } from "../losses/registry.ts";
import type { Loss } from "../losses/types.ts";
import { createOptimizer } from "../losses/optimizers.ts";
import { GeneratorEma } from "./ema.ts";
import { createGanStep, type GanStep } from "./gan_step.ts";
import { trainingShape } from "./real_batch.ts";
import type { TrainConfig } from "./train_config.ts";
import type { TrainState } from "./train_state.ts";

/** What identifies a cell's training: the cell, its data, variant, loss and config. */
export interface CellSpec {
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
}

/** A cell ready to train. */
export interface TrainingCell {
  /** The models and optimizers (what a checkpoint holds). */
  state: TrainState;
  /** The D and G update functions. */
  step: GanStep;
  /** The order of the real batches. */
  sampler: BatchSampler;
  /** The loss, with the config's overrides applied. */
  loss: Loss;
  /** The image shape the models work at (may be the padded shape). */
  shape: ImageShape;
  /** Whether G and D take labels. */
  conditional: boolean;
  /** The architecture actually built (including substitutions). */
  modelConfig: ModelConfig;
}

/**
 * Builds the models, optimizers, step functions and sampler of a cell.
 *
 * @param spec The cell, its data, variant, loss and config.
 * @returns The cell; release it with {@linkcode disposeCell}.
 * @example
 * ```ts
 * import { loadSynthetic } from "../data/synthetic.ts";
 * import { buildCell, disposeCell } from "./cell_setup.ts";
 * const cell = buildCell({
 *   cellId: "c", dataset: loadSynthetic({ trainCount: 16, testCount: 4 }), variant: "mlp", loss: "ns",
 *   config: { steps: 2, batchSize: 4, evalEvery: 1, checkpointEvery: 0, seed: 0 },
 * });
 * disposeCell(cell);
 * ```
 */
export function buildCell(spec: CellSpec): TrainingCell {
  const { dataset, config, cellId } = spec;
  const variant = getVariant(spec.variant);
  const loss = getLoss(spec.loss, {
    nCritic: config.nCritic,
    gradientPenalty: config.gradientPenalty,
    clip: config.clip,
  });
  const pair = resolvePair(spec.variant, spec.loss, {
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
  return {
    state: { generator, discriminator, dOptimizer, gOptimizer, ema },
    step,
    sampler,
    loss,
    shape,
    conditional: variant.conditional,
    modelConfig: withPairSubstitutions(built.config, pair),
  };
}

/**
 * The built architecture with the pair's substitution notes first.
 * resolvePair's note names the reason (e.g. "(gradient penalty)"); the
 * model's own note for the same swap is then redundant.
 */
function withPairSubstitutions(
  config: ModelConfig,
  pair: PairResolution,
): ModelConfig {
  return {
    ...config,
    substitutions: [
      ...pair.substitutions,
      ...config.substitutions.filter((note) =>
        !pair.substitutions.some((p) => p.startsWith(note))
      ),
    ],
  };
}

/**
 * Disposes a cell's models and optimizers.
 *
 * @param cell The cell from {@linkcode buildCell}.
 */
export function disposeCell(cell: TrainingCell): void {
  const { ema, generator, discriminator, dOptimizer, gOptimizer } = cell.state;
  ema?.dispose();
  generator.dispose();
  discriminator.dispose();
  dOptimizer.dispose();
  gOptimizer.dispose();
}

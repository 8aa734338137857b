/**
 * What a cell's checkpoint saves and restores: the weights of G and D (and
 * of G's moving average, when on), both optimizers' slots (with Adam's
 * running powers, so that a resumed cell continues bit for bit), the models'
 * random state and the training seconds so far. The file format itself is
 * `checkpoint.ts`'s.
 *
 * Tensor names: G and D variables under their checkpoint keys, the averaged
 * G's under `ema/<G key>`, optimizer slots under `optD/…` and `optG/…`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Discriminator, Generator } from "../models/types.ts";
import {
  readOptimizerState,
  writeOptimizerState,
} from "../losses/optimizers.ts";
import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import type { Checkpoint, NamedTensor } from "./checkpoint.ts";
import type { GeneratorEma } from "./ema.ts";

/** The trainable state of a cell: what a checkpoint holds. */
export interface TrainState {
  /** The generator. */
  generator: Generator;
  /** The discriminator / critic. */
  discriminator: Discriminator;
  /** D's optimizer. */
  dOptimizer: tf.Optimizer;
  /** G's optimizer. */
  gOptimizer: tf.Optimizer;
  /** The moving average of G's weights, when the cell keeps one. */
  ema?: GeneratorEma;
}

/** Where a restored cell continues. */
export interface RestoredProgress {
  /** Completed G steps. */
  step: number;
  /** Training seconds before the checkpoint was written. */
  trainSeconds: number;
}

/** Checkpoint names of the averaged generator's tensors: `ema/<G key>`. */
const EMA_PREFIX = "ema/";

/** Checkpoint name prefixes of the two optimizers' slots. */
function optimizers(state: TrainState): Array<[string, tf.Optimizer]> {
  return [["optD/", state.dOptimizer], ["optG/", state.gOptimizer]];
}

/**
 * Writes the state of a cell to its checkpoint file (atomically).
 *
 * @param path The checkpoint file.
 * @param step Completed G steps.
 * @param trainSeconds Training seconds so far.
 * @param state The models and optimizers (not disposed).
 * @example
 * ```ts ignore
 * await saveTrainState("/tmp/cell.ckpt", 100, 12.5, state);
 * ```
 */
export async function saveTrainState(
  path: string,
  step: number,
  trainSeconds: number,
  state: TrainState,
): Promise<void> {
  const tensors = modelTensors(state);
  // Optimizer slots come back as host arrays; they live as tensors only
  // while the checkpoint is written.
  const slots: tf.Tensor[] = [];
  for (const [prefix, optimizer] of optimizers(state)) {
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

/** The model variables to save, by checkpoint name. */
function modelTensors(state: TrainState): NamedTensor[] {
  const { generator, discriminator, ema } = state;
  return [
    ...generator.keys.map((name, i) => ({
      name,
      tensor: generator.variables[i] as tf.Tensor,
    })),
    ...discriminator.keys.map((name, i) => ({
      name,
      tensor: discriminator.variables[i] as tf.Tensor,
    })),
    ...(ema
      ? generator.keys.map((name, i) => ({
        name: EMA_PREFIX + name,
        tensor: ema.generator.variables[i] as tf.Tensor,
      }))
      : []),
  ];
}

/**
 * Restores the state of a cell from its checkpoint file, if there is one.
 *
 * @param path The checkpoint file.
 * @param state The freshly built models and optimizers to overwrite.
 * @returns Where the cell continues, or `null` when there is no checkpoint.
 * @throws Error naming the file and the tensor when one is missing.
 * @example
 * ```ts ignore
 * const restored = await restoreTrainState("/tmp/cell.ckpt", state);
 * ```
 */
export async function restoreTrainState(
  path: string,
  state: TrainState,
): Promise<RestoredProgress | null> {
  const checkpoint = await readCheckpoint(path);
  if (!checkpoint) return null;
  try {
    assignModels(path, checkpoint, state);
    await restoreOptimizers(checkpoint, optimizers(state));
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

/** Assigns the saved G, D (and averaged G) weights to the models. */
/**
 * Writes each optimizer's slots back from the checkpoint tensors under its
 * prefix (e.g. `optD/`), Adam's β-powers included.
 *
 * @param checkpoint The checkpoint read from disk (its tensors stay owned
 *   by the caller).
 * @param prefixed Each optimizer with its checkpoint prefix.
 */
export async function restoreOptimizers(
  checkpoint: Checkpoint,
  prefixed: ReadonlyArray<[string, tf.Optimizer]>,
): Promise<void> {
  for (const [prefix, optimizer] of prefixed) {
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
}

function assignModels(
  path: string,
  checkpoint: Checkpoint,
  state: TrainState,
): void {
  const byName = new Map(checkpoint.tensors.map((t) => [t.name, t.tensor]));
  for (const module of [state.generator, state.discriminator]) {
    module.keys.forEach((key, i) => {
      const value = byName.get(key);
      if (!value) {
        throw new Error(`checkpoint ${path}: missing tensor '${key}'`);
      }
      module.variables[i].assign(value);
    });
  }
  const ema = state.ema;
  if (!ema) return;
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

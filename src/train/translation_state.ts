/**
 * Checkpoints of a translation cell: G's and D's variables (BatchNorm
 * moving statistics included), both optimizers' slots with Adam's running
 * β-powers, and the models' dropout call counters, so that a resumed cell
 * continues bit for bit as if it had never stopped. The file format is
 * `checkpoint.ts`'s.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { readOptimizerState } from "../losses/optimizers.ts";
import type { Module } from "../models/types.ts";
import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { restoreOptimizers } from "./train_state.ts";
import type { NamedTensor } from "./checkpoint.ts";

/** What a translation checkpoint holds. */
export interface TranslationTrainState {
  /** The generator. */
  generator: Module;
  /** The discriminator; null for the `l1` objective. */
  discriminator: Module | null;
  /** G's optimizer. */
  gOptimizer: tf.Optimizer;
  /** D's optimizer; null for `l1`. */
  dOptimizer: tf.Optimizer | null;
}

/** Modules and optimizers with their checkpoint prefixes. */
function parts(state: TranslationTrainState) {
  const modules: Module[] = [state.generator];
  if (state.discriminator) modules.push(state.discriminator);
  const optimizers: Array<[string, tf.Optimizer]> = [[
    "optG/",
    state.gOptimizer,
  ]];
  if (state.dOptimizer) optimizers.push(["optD/", state.dOptimizer]);
  return { modules, optimizers };
}

/**
 * Writes a checkpoint (atomically).
 *
 * @param path Checkpoint file.
 * @param step Completed training steps.
 * @param trainSeconds Training seconds so far.
 * @param state Models and optimizers.
 * @example
 * ```ts ignore
 * await saveTranslationState("ckpt.bin", 100, 12.5, state);
 * ```
 */
export async function saveTranslationState(
  path: string,
  step: number,
  trainSeconds: number,
  state: TranslationTrainState,
): Promise<void> {
  const { modules, optimizers } = parts(state);
  const tensors: NamedTensor[] = modules.flatMap((m) =>
    m.keys.map((name, i) => ({ name, tensor: m.variables[i] as tf.Tensor }))
  );
  const slots: tf.Tensor[] = [];
  for (const [prefix, optimizer] of optimizers) {
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
        dRandom: state.discriminator?.randomState?.save() ?? [],
      },
      tensors,
    });
  } finally {
    tf.dispose(slots);
  }
}

/**
 * Restores a checkpoint into freshly built models and optimizers.
 *
 * @param path Checkpoint file.
 * @param state Models and optimizers of the same shapes.
 * @returns The completed steps and training seconds, or null when there is
 *   no checkpoint.
 * @throws Error One line naming the file when a tensor is missing.
 * @example
 * ```ts ignore
 * const restored = await restoreTranslationState("ckpt.bin", state);
 * ```
 */
export async function restoreTranslationState(
  path: string,
  state: TranslationTrainState,
): Promise<{ step: number; trainSeconds: number } | null> {
  const checkpoint = await readCheckpoint(path);
  if (!checkpoint) return null;
  const { modules, optimizers } = parts(state);
  try {
    const byName = new Map(checkpoint.tensors.map((t) => [t.name, t.tensor]));
    for (const module of modules) {
      module.keys.forEach((key, i) => {
        const value = byName.get(key);
        if (!value) {
          throw new Error(`checkpoint ${path}: missing tensor '${key}'`);
        }
        module.variables[i].assign(value);
      });
    }
    await restoreOptimizers(checkpoint, optimizers);
  } finally {
    tf.dispose(checkpoint.tensors.map((t) => t.tensor));
  }
  state.generator.randomState?.restore(checkpoint.state.gRandom as number[]);
  state.discriminator?.randomState?.restore(
    checkpoint.state.dRandom as number[],
  );
  return {
    step: checkpoint.step,
    trainSeconds: Number(checkpoint.state.trainSeconds ?? 0),
  };
}

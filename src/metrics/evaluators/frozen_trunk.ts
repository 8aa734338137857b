/**
 * Retraining only an evaluator's head: the convolutional trunk of a trained
 * evaluator is copied into a new classifier and frozen, and only the layers
 * from the feature block on (`features_dense`/`features_bn`/`features` or
 * `features`, then `logits`) are trained. The trunk runs in inference mode
 * (BatchNorm on its running statistics, which a layer's `trainable = false`
 * alone would not do in tfjs-layers), so its weights stay bit for bit the
 * source's.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import {
  FEATURE_BLOCK_LAYERS,
  FEATURE_LAYER,
  LOGITS_LAYER,
} from "./architecture.ts";
import { loadSourceEvaluator } from "./source_model.ts";
import type { EvaluatorSource } from "./types.ts";

/** A classifier split into a frozen trunk and a trainable head. */
export interface FrozenTrunk {
  /** Images → the head's input (inference mode; never trained). */
  trunk: tfl.LayersModel;
  /** The head's input → logits; shares its layers with the full model. */
  head: tfl.LayersModel;
  /** The evaluator the trunk came from. */
  source: EvaluatorSource;
}

/**
 * The names of a classifier's head layers, in order: the feature block
 * (whichever form it has) and `logits`.
 *
 * @param model A classifier built by `buildClassifier`.
 * @returns The layer names.
 * @example
 * ```ts
 * import { ARCHITECTURES, buildClassifier } from "./architecture.ts";
 * import { headLayerNames } from "./frozen_trunk.ts";
 * const m = buildClassifier({ spec: ARCHITECTURES["tiny-bn"], inputShape: [16, 16, 1], numClasses: 4, seed: 1 });
 * headLayerNames(m); // ["features_dense", "features_bn", "features", "logits"]
 * ```
 */
export function headLayerNames(model: tfl.LayersModel): string[] {
  const names = new Set(model.layers.map((l) => l.name));
  const block = names.has(FEATURE_BLOCK_LAYERS[0])
    ? [...FEATURE_BLOCK_LAYERS]
    : [FEATURE_LAYER];
  return [...block, LOGITS_LAYER];
}

/**
 * Copies the trunk of the evaluator at `path` into `model` and splits
 * `model` into a frozen trunk and a trainable head.
 *
 * @param model The new classifier (its head keeps its own initial weights).
 * @param path The source evaluator's directory or `model.json`.
 * @returns The trunk, the head and the source's id and md5; a trunk that
 *   does not match layer for layer is a one-line error naming the layer.
 * @example
 * ```ts
 * import { ARCHITECTURES, buildClassifier } from "./architecture.ts";
 * import { freezeTrunk } from "./frozen_trunk.ts";
 * const m = buildClassifier({ spec: ARCHITECTURES["small-bn"], inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
 * const { head, source } = await freezeTrunk(m, "src/metrics/evaluators/weights/mnist");
 * head.countParams(); // 403,210 of the 422,314
 * ```
 */
export async function freezeTrunk(
  model: tfl.LayersModel,
  path: string,
): Promise<FrozenTrunk> {
  const src = await loadSourceEvaluator(path, "--trunk-from");
  try {
    const head = new Set(headLayerNames(model));
    const srcHead = new Set(headLayerNames(src.model));
    const withWeights = (m: tfl.LayersModel, skip: Set<string>) =>
      m.layers.filter((l) => !skip.has(l.name) && l.weights.length > 0)
        .map((l) => l.name);
    const ours = withWeights(model, head);
    const theirs = withWeights(src.model, srcHead);
    if (ours.join() !== theirs.join()) {
      throw new Error(
        `--trunk-from ${path}: its trunk layers (${
          theirs.join(", ")
        }) are not this architecture's (${ours.join(", ")})`,
      );
    }
    for (const name of ours) {
      const from = src.model.getLayer(name).getWeights();
      const to = model.getLayer(name);
      const want = to.getWeights();
      from.forEach((w, i) => {
        if (w.shape.join() !== want[i].shape.join()) {
          throw new Error(
            `--trunk-from ${path}: layer ${name} weight ${i} has shape [${w.shape}], expected [${
              want[i].shape
            }]`,
          );
        }
      });
      // getWeights returns the variables themselves: nothing to dispose.
      to.setWeights(from);
    }
    const names = headLayerNames(model);
    const trunkOut = model.getLayer(names[0]).input as tfl.SymbolicTensor;
    const trunk = tfl.model({ inputs: model.inputs, outputs: trunkOut });
    const headIn = tfl.input({ shape: trunkOut.shape.slice(1) as number[] });
    let x = headIn;
    for (const name of names) {
      x = model.getLayer(name).apply(x) as tfl.SymbolicTensor;
    }
    return {
      trunk,
      head: tfl.model({ inputs: headIn, outputs: x }),
      source: { id: src.manifest.id, weightsMd5: src.manifest.weightsMd5 },
    };
  } finally {
    src.model.dispose();
  }
}

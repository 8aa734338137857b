/**
 * `mlp`: the vanilla fully connected GAN (Keras style) for any H×W×C.
 *
 * G: z100 → 128 → 256 → 512 → 1024 → H·W·C; LeakyReLU 0.2 after every hidden
 * layer, BatchNorm (Keras momentum 0.8, ε 1e-3) after the 256/512/1024
 * activations, tanh output. D: flat → 512 → 256 → 1, LeakyReLU 0.2, linear
 * score. Kernels Glorot uniform, biases 0 (Keras defaults).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BatchNorm } from "./layers/batch_norm.ts";
import { Dense } from "./layers/dense.ts";
import { ParamStore } from "./layers/param_store.ts";
import {
  checkBuild,
  lrelu,
  makeDiscriminator,
  makeGenerator,
  makeNorm,
  normSubstitution,
  widthScaler,
  widthSubstitution,
} from "./_common.ts";
import type {
  BuildOptions,
  BuiltModels,
  ImageShape,
  Variant,
} from "./types.ts";

const Z_DIM = 100;
const MLP_BN = { momentum: 0.8, epsilon: 1e-3 };

/**
 * The `mlp` variant.
 *
 * @example
 * ```ts
 * import { mlp } from "./mlp.ts";
 * const { generator, discriminator, config } = mlp.build({
 *   shape: { height: 28, width: 28, channels: 1 }, numClasses: 10, seed: 1, criticNorm: "none",
 * });
 * ```
 */
export const mlp: Variant = {
  id: "mlp",
  conditional: false,
  defaultCriticNorm: "none",
  supportsText: "any H×W×C (e.g. 28×28×1, 32×32×3)",
  supports: (s: ImageShape) => s.height > 0 && s.width > 0 && s.channels > 0,
  build(opts: BuildOptions): BuiltModels {
    checkBuild(mlp, opts);
    const { shape, seed, criticNorm, scope = "" } = opts;
    const flat = shape.height * shape.width * shape.channels;
    const gs = new ParamStore("G", seed, scope);
    const W = widthScaler(opts);
    const gWidths = [Z_DIM, W(128), W(256), W(512), W(1024)];
    const gDense: Dense[] = [];
    const gBn: (BatchNorm | null)[] = [];
    for (let i = 0; i + 1 < gWidths.length; i++) {
      gDense.push(new Dense(gs, `dense${i}`, gWidths[i], gWidths[i + 1]));
      gBn.push(
        i === 0 ? null : new BatchNorm(gs, `bn${i}`, gWidths[i + 1], MLP_BN),
      );
    }
    const gOut = new Dense(gs, `dense${gDense.length}`, gWidths[4], flat);

    const ds = new ParamStore("D", seed, scope);
    const d0 = new Dense(ds, "dense0", flat, W(512));
    const d1 = new Dense(ds, "dense1", W(512), W(256));
    const n1 = makeNorm(ds, "1", W(256), criticNorm, MLP_BN);
    const d2 = new Dense(ds, "dense2", W(256), 1);

    const generator = makeGenerator(gs, Z_DIM, (z, _labels, training) => {
      let h: tf.Tensor2D = z;
      for (let i = 0; i < gDense.length; i++) {
        h = lrelu(gDense[i].apply(h));
        const bn = gBn[i];
        if (bn) h = bn.apply(h, training);
      }
      return tf.reshape(tf.tanh(gOut.apply(h)), [
        -1,
        shape.height,
        shape.width,
        shape.channels,
      ]);
    });
    const discriminator = makeDiscriminator(ds, (x, _labels, training) => {
      let h = lrelu(d0.apply(tf.reshape(x, [-1, flat])));
      h = d1.apply(h);
      if (n1) h = n1.apply(h, training);
      return d2.apply(lrelu(h));
    });
    return {
      generator,
      discriminator,
      config: {
        variant: "mlp",
        shape: { ...shape },
        numClasses: 0,
        zDim: Z_DIM,
        criticNorm,
        dOutput: "score",
        generatorLayers: [
          `dense 100→${gWidths[1]}, LeakyReLU 0.2`,
          `dense →${gWidths[2]}, LeakyReLU 0.2, BN(m=0.8)`,
          `dense →${gWidths[3]}, LeakyReLU 0.2, BN(m=0.8)`,
          `dense →${gWidths[4]}, LeakyReLU 0.2, BN(m=0.8)`,
          `dense →${flat}, tanh, reshape ${shape.height}×${shape.width}×${shape.channels}`,
        ],
        discriminatorLayers: [
          `flatten ${flat}, dense →${W(512)}, LeakyReLU 0.2`,
          `dense →${W(256)}${n1 ? `, ${n1.text}` : ""}, LeakyReLU 0.2`,
          "dense →1, linear",
        ],
        parameters: {
          generator: gs.parameterCount(),
          discriminator: ds.parameterCount(),
        },
        substitutions: [
          ...normSubstitution("none", criticNorm),
          ...widthSubstitution(opts),
        ],
      },
    };
  },
};

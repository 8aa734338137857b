/**
 * `cgan`: the fully connected conditional GAN (Mirza & Osindero 2014, Keras
 * style) for any H×W×C.
 *
 * G: [z100, 10-d label embedding] 110 → 256 → 512 → 1024 → H·W·C, LeakyReLU
 * 0.2, tanh. D: [flat image, 10-d label embedding] → 1024 → 512 → 256 → 1,
 * LeakyReLU 0.2, dropout 0.4 after the 512 and 256 activations, linear score.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Dense } from "./layers/dense.ts";
import { Dropout } from "./layers/dropout.ts";
import { Embedding } from "./layers/embedding.ts";
import { deriveSeed, ParamStore } from "./layers/param_store.ts";
import {
  checkBuild,
  lrelu,
  makeDiscriminator,
  makeGenerator,
  makeNorm,
  type Norm,
  normSubstitution,
  requireLabels,
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
const EMBED_DIM = 10;
const DROPOUT = 0.4;

/**
 * The `cgan` variant.
 *
 * @example
 * ```ts
 * import { cgan } from "./cgan.ts";
 * const { generator } = cgan.build({
 *   shape: { height: 28, width: 28, channels: 1 }, numClasses: 10, seed: 1, criticNorm: "none",
 * });
 * ```
 */
// N(0, 1) like PyTorch's nn.Embedding in the seed's cGAN: Keras' ±0.05
// default leaves the label signal too weak beside 100-d noise and 784 pixels
// (measured: samples followed the requested label at chance, 10 %).
const EMBED_INIT = { kind: "normal", mean: 0, std: 1 } as const;

export const cgan: Variant = {
  id: "cgan",
  conditional: true,
  defaultCriticNorm: "none",
  supportsText: "any H×W×C (e.g. 28×28×1, 32×32×3)",
  supports: (s: ImageShape) => s.height > 0 && s.width > 0 && s.channels > 0,
  build(opts: BuildOptions): BuiltModels {
    checkBuild(cgan, opts);
    const { shape, seed, criticNorm, numClasses, scope = "" } = opts;
    const flat = shape.height * shape.width * shape.channels;

    const gs = new ParamStore("G", seed, scope);
    const gEmbed = new Embedding(
      gs,
      "embed",
      numClasses,
      EMBED_DIM,
      EMBED_INIT,
    );
    const W = widthScaler(opts);
    const gWidths = [Z_DIM + EMBED_DIM, W(256), W(512), W(1024)];
    const gDense = gWidths.slice(1).map((w, i) =>
      new Dense(gs, `dense${i}`, gWidths[i], w)
    );
    const gOut = new Dense(gs, `dense${gDense.length}`, gWidths[3], flat);

    const ds = new ParamStore("D", seed, scope);
    const dEmbed = new Embedding(
      ds,
      "embed",
      numClasses,
      EMBED_DIM,
      EMBED_INIT,
    );
    const dWidths = [flat + EMBED_DIM, W(1024), W(512), W(256)];
    const dDense = dWidths.slice(1).map((w, i) =>
      new Dense(ds, `dense${i}`, dWidths[i], w)
    );
    const dNorm: (Norm | null)[] = dWidths.slice(1).map((w, i) =>
      i === 0 ? null : makeNorm(ds, `${i}`, w, criticNorm, {
        momentum: 0.8,
        epsilon: 1e-3,
      })
    );
    const dDrop = [1, 2].map((i) =>
      new Dropout(DROPOUT, deriveSeed(seed, 0x44524f50, i))
    );
    const dOut = new Dense(ds, `dense${dDense.length}`, dWidths[3], 1);

    const generator = makeGenerator(gs, Z_DIM, (z, labels, _training) => {
      const y = requireLabels("cgan", labels, z.shape[0]);
      let h: tf.Tensor2D = tf.concat([z, gEmbed.apply(y)], 1);
      for (const d of gDense) h = lrelu(d.apply(h));
      return tf.reshape(tf.tanh(gOut.apply(h)), [
        -1,
        shape.height,
        shape.width,
        shape.channels,
      ]);
    });
    const discriminator = makeDiscriminator(ds, (x, labels, training) => {
      const y = requireLabels("cgan", labels, x.shape[0]);
      let h: tf.Tensor2D = tf.concat(
        [tf.reshape(x, [-1, flat]), dEmbed.apply(y)],
        1,
      );
      for (let i = 0; i < dDense.length; i++) {
        h = dDense[i].apply(h);
        const n = dNorm[i];
        if (n) h = n.apply(h, training);
        h = lrelu(h);
        if (i > 0) h = dDrop[i - 1].apply(h, training);
      }
      return dOut.apply(h);
    }, dDrop);
    const nt = (i: number) => (dNorm[i] ? `, ${dNorm[i]!.text}` : "");
    return {
      generator,
      discriminator,
      config: {
        variant: "cgan",
        shape: { ...shape },
        numClasses,
        zDim: Z_DIM,
        criticNorm,
        dOutput: "score",
        generatorLayers: [
          `concat z${Z_DIM} + label embedding ${EMBED_DIM} (${numClasses} classes)`,
          `dense →${gWidths[1]}, LeakyReLU 0.2`,
          `dense →${gWidths[2]}, LeakyReLU 0.2`,
          `dense →${gWidths[3]}, LeakyReLU 0.2`,
          `dense →${flat}, tanh, reshape ${shape.height}×${shape.width}×${shape.channels}`,
        ],
        discriminatorLayers: [
          `concat flat image ${flat} + label embedding ${EMBED_DIM}`,
          `dense →${dWidths[1]}, LeakyReLU 0.2`,
          `dense →${dWidths[2]}${nt(1)}, LeakyReLU 0.2, dropout ${DROPOUT}`,
          `dense →${dWidths[3]}${nt(2)}, LeakyReLU 0.2, dropout ${DROPOUT}`,
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

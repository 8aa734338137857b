/**
 * Private builders of the DCGAN-family networks (dcgan, cdcgan, patchgan):
 * the 32×32 transposed-convolution generator, the DCGAN discriminator and the
 * PatchGAN discriminator. Weights N(0, 0.02), BatchNorm γ N(1, 0.02), β 0,
 * BatchNorm momentum 0.9 (PyTorch's 0.1), ε 1e-5, no conv biases (as the
 * PyTorch DCGAN reference) except PatchGAN's first and last conv (pix2pix).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BatchNorm } from "./layers/batch_norm.ts";
import { Conv2D } from "./layers/conv2d.ts";
import { Conv2DTranspose } from "./layers/conv2d_transpose.ts";
import type { BatchNormOptions } from "./layers/batch_norm.ts";
import type { ParamStore } from "./layers/param_store.ts";
import { lrelu, makeNorm, type Norm } from "./_common.ts";
import type { CriticNorm, ImageShape } from "./types.ts";

/** BatchNorm settings of the DCGAN family. */
export const DCGAN_BN: BatchNormOptions = {
  momentum: 0.9,
  epsilon: 1e-5,
  gammaInit: { kind: "normal", mean: 1, std: 0.02 },
};

/** True for 32×32×1 and 32×32×3. */
export function supports32(shape: ImageShape): boolean {
  return shape.height === 32 && shape.width === 32 &&
    (shape.channels === 1 || shape.channels === 3);
}

/** A built network body: forward pass plus layer descriptions. */
export interface Body<I extends tf.Tensor, O extends tf.Tensor> {
  /** Forward pass. */
  apply(x: I, training: boolean): O;
  /** One line per layer. */
  layers: string[];
}

/**
 * DCGAN generator body: [N, inDim] → [N, 32, 32, C] in [−1, 1].
 *
 * @param store Owner of the variables (prefix "G").
 * @param inDim Input length (z, or z + one-hot label).
 * @param channels Output channels.
 * @returns The body.
 */
export function dcganGenerator(
  store: ParamStore,
  inDim: number,
  channels: number,
  W: (n: number) => number = (n) => n,
): Body<tf.Tensor2D, tf.Tensor4D> {
  const widths = [W(256), W(128), W(64)];
  const convs = [
    new Conv2DTranspose(store, "convT0", inDim, widths[0], {
      kernel: 4,
      stride: 1,
      pad: "valid",
    }),
  ];
  const bns = [new BatchNorm(store, "bn0", widths[0], DCGAN_BN)];
  for (let i = 1; i < widths.length; i++) {
    convs.push(
      new Conv2DTranspose(store, `convT${i}`, widths[i - 1], widths[i], {
        kernel: 4,
        stride: 2,
        pad: "same",
      }),
    );
    bns.push(new BatchNorm(store, `bn${i}`, widths[i], DCGAN_BN));
  }
  const out = new Conv2DTranspose(store, "convT3", widths[2], channels, {
    kernel: 4,
    stride: 2,
    pad: "same",
  });
  const layers = [
    `convT k4 s1 valid ${inDim}→4×4×${widths[0]}, BN, ReLU`,
    `convT k4 s2 → 8×8×${widths[1]}, BN, ReLU`,
    `convT k4 s2 → 16×16×${widths[2]}, BN, ReLU`,
    `convT k4 s2 → 32×32×${channels}, tanh`,
  ];
  return {
    layers,
    apply(z, training) {
      let h: tf.Tensor4D = tf.reshape(z, [-1, 1, 1, inDim]);
      for (let i = 0; i < convs.length; i++) {
        h = tf.relu(bns[i].apply(convs[i].apply(h), training));
      }
      return tf.tanh(out.apply(h));
    },
  };
}

/**
 * DCGAN discriminator body: [N, 32, 32, inChannels] → [N, 1] raw scores.
 *
 * @param store Owner of the variables (prefix "D").
 * @param inChannels Input channels (image + label maps).
 * @param norm Hidden-layer normalisation.
 * @returns The body.
 */
export function dcganDiscriminator(
  store: ParamStore,
  inChannels: number,
  norm: CriticNorm,
  W: (n: number) => number = (n) => n,
): Body<tf.Tensor4D, tf.Tensor2D> {
  const c0 = new Conv2D(store, "conv0", inChannels, W(64), {
    kernel: 4,
    stride: 2,
    pad: 1,
  });
  const c1 = new Conv2D(store, "conv1", W(64), W(128), {
    kernel: 4,
    stride: 2,
    pad: 1,
  });
  const n1 = makeNorm(store, "1", W(128), norm, DCGAN_BN);
  const c2 = new Conv2D(store, "conv2", W(128), W(256), {
    kernel: 4,
    stride: 2,
    pad: 1,
  });
  const n2 = makeNorm(store, "2", W(256), norm, DCGAN_BN);
  const c3 = new Conv2D(store, "conv3", W(256), 1, {
    kernel: 4,
    stride: 1,
    pad: "valid",
  });
  const nt = (n: Norm | null) => (n ? `, ${n.text}` : "");
  const layers = [
    `conv k4 s2 ${inChannels}→${W(64)} (16×16), LeakyReLU 0.2`,
    `conv k4 s2 →${W(128)} (8×8)${nt(n1)}, LeakyReLU 0.2`,
    `conv k4 s2 →${W(256)} (4×4)${nt(n2)}, LeakyReLU 0.2`,
    "conv k4 valid →1 (1×1), linear",
  ];
  return {
    layers,
    apply(x, training) {
      let h = lrelu(c0.apply(x));
      h = c1.apply(h);
      if (n1) h = n1.apply(h, training);
      h = lrelu(h);
      h = c2.apply(h);
      if (n2) h = n2.apply(h, training);
      h = lrelu(h);
      return tf.reshape(c3.apply(h), [-1, 1]);
    },
  };
}

/**
 * PatchGAN discriminator body (pix2pix N-layer, n = 2): [N, 32, 32, C] →
 * [N, 6, 6, 1] raw score map.
 *
 * @param store Owner of the variables (prefix "D").
 * @param inChannels Input channels.
 * @param norm Hidden-layer normalisation.
 * @returns The body and its output map size.
 */
export function patchDiscriminator(
  store: ParamStore,
  inChannels: number,
  norm: CriticNorm,
  W: (n: number) => number = (n) => n,
): Body<tf.Tensor4D, tf.Tensor4D> & { patch: [number, number] } {
  const c0 = new Conv2D(store, "conv0", inChannels, W(64), {
    kernel: 4,
    stride: 2,
    pad: 1,
    bias: true,
  });
  const c1 = new Conv2D(store, "conv1", W(64), W(128), {
    kernel: 4,
    stride: 2,
    pad: 1,
  });
  const n1 = makeNorm(store, "1", W(128), norm, DCGAN_BN);
  const c2 = new Conv2D(store, "conv2", W(128), W(256), {
    kernel: 4,
    stride: 1,
    pad: 1,
  });
  const n2 = makeNorm(store, "2", W(256), norm, DCGAN_BN);
  const c3 = new Conv2D(store, "conv3", W(256), 1, {
    kernel: 4,
    stride: 1,
    pad: 1,
    bias: true,
  });
  const s = [c0, c1, c2, c3].reduce((n, c) => c.outSize(n), 32);
  const nt = (n: Norm | null) => (n ? `, ${n.text}` : "");
  return {
    patch: [s, s],
    layers: [
      `conv k4 s2 p1 ${inChannels}→${W(64)} (16×16), LeakyReLU 0.2`,
      `conv k4 s2 p1 →${W(128)} (8×8)${nt(n1)}, LeakyReLU 0.2`,
      `conv k4 s1 p1 →${W(256)} (7×7)${nt(n2)}, LeakyReLU 0.2`,
      `conv k4 s1 p1 →1 (${s}×${s} patch map), linear`,
    ],
    apply(x, training) {
      let h = lrelu(c0.apply(x));
      h = c1.apply(h);
      if (n1) h = n1.apply(h, training);
      h = lrelu(h);
      h = c2.apply(h);
      if (n2) h = n2.apply(h, training);
      h = lrelu(h);
      return c3.apply(h);
    },
  };
}

/**
 * The pix2pix PatchGAN discriminator (`NLayerDiscriminator`), conditioned by
 * channel concatenation of the input and the target or generated image:
 * 4×4 convs with padding 1 — n of stride 2 (widths 64·min(2ⁱ, 8)), one of
 * stride 1 (64·min(2ⁿ, 8)), and a final stride-1 conv to one channel, a
 * map of raw scores (logits; no sigmoid). BatchNorm on every hidden conv but
 * the first, LeakyReLU 0.2; biases only on the first and last conv (as
 * pix2pix with BatchNorm); weights N(0, 0.02), γ N(1, 0.02).
 *
 * Receptive field of one map element, {@linkcode patchReceptiveField}:
 * r₀ = 1, then r ← (r − 1)·stride + 4 back through the layers, so
 * n = 1 → 16, n = 2 → 34, n = 3 → 70 (pix2pix's 70×70 PatchGAN at 256 px),
 * n = 4 → 142. Map side, {@linkcode patchMapSize}: each conv maps
 * s ↦ ⌊(s + 2 − 4)/stride⌋ + 1.
 *
 * At 32 px the default is n = 2 ({@linkcode DEFAULT_PATCH_LAYERS}), the
 * zoo's `patchgan` layout: a 6×6 map (5×5 at 28 px) whose elements each see
 * 34×34 input pixels — the whole (zero-padded) image, told apart by their
 * position. pix2pix's n = 3 would leave a 2×2 map at 32 px; n = 1 (16×16
 * patches, a 14×14 map) is the local-texture judge, closest to pix2pix's
 * 70/256 patch-to-image ratio.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BatchNorm } from "../layers/batch_norm.ts";
import { Conv2D } from "../layers/conv2d.ts";
import { ParamStore } from "../layers/param_store.ts";
import { DCGAN_BN } from "../_dcgan_parts.ts";
import { lrelu } from "../_common.ts";
import {
  checkPositiveInt,
  type CommonBuildOptions,
  commonScaler,
  widthLine,
} from "./_common.ts";
import type { TranslationDiscriminator } from "./types.ts";

/** pix2pix's n_layers for 32×32 images here (a 6×6 map, receptive field 34). */
export const DEFAULT_PATCH_LAYERS = 2;

/** Strides of the n + 2 convs of an n-layer PatchGAN. */
function strides(nLayers: number): number[] {
  return [...Array(nLayers).fill(2), 1, 1];
}

/**
 * Receptive field (side, in input pixels) of one element of the n-layer
 * PatchGAN's map (k4 convs: n of stride 2, then two of stride 1).
 *
 * @param nLayers pix2pix `n_layers` (≥ 1).
 * @returns 16 for n = 1, 34 for n = 2, 70 for n = 3.
 * @example
 * ```ts
 * import { patchReceptiveField } from "./patch_discriminator.ts";
 * patchReceptiveField(3); // 70
 * ```
 */
export function patchReceptiveField(nLayers: number): number {
  checkPositiveInt("models/patch_discriminator", "nLayers", nLayers);
  return strides(nLayers).reduceRight((r, s) => (r - 1) * s + 4, 1);
}

/**
 * Side of the n-layer PatchGAN's score map for a square input.
 *
 * @param size Input side.
 * @param nLayers pix2pix `n_layers` (≥ 1).
 * @returns The map side (≤ 0 when the input is too small).
 * @example
 * ```ts
 * import { patchMapSize } from "./patch_discriminator.ts";
 * patchMapSize(32, 2); // 6
 * patchMapSize(28, 2); // 5
 * ```
 */
export function patchMapSize(size: number, nLayers: number): number {
  checkPositiveInt("models/patch_discriminator", "size", size);
  checkPositiveInt("models/patch_discriminator", "nLayers", nLayers);
  return strides(nLayers).reduce((s, st) => Math.floor((s - 2) / st) + 1, size);
}

/** Options of {@linkcode buildPatchDiscriminator}. */
export interface PatchDiscriminatorOptions extends CommonBuildOptions {
  /** Input side (square; the map must be at least 1×1). */
  size: number;
  /** Channels of the conditioning input x. */
  inputChannels: number;
  /** Channels of the judged image (target or G(x)). */
  imageChannels: number;
  /** pix2pix `n_layers` (default {@linkcode DEFAULT_PATCH_LAYERS}). */
  nLayers?: number;
}

/**
 * Builds the conditional n-layer PatchGAN (variables under "D/").
 *
 * @param opts Size, channels, n_layers, seed, scope, width.
 * @returns The discriminator with its map size, receptive field and config.
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildPatchDiscriminator } from "./patch_discriminator.ts";
 * const d = buildPatchDiscriminator({ size: 32, inputChannels: 1, imageChannels: 3, seed: 1 });
 * d.patch; // [6, 6]
 * d.receptiveField; // 34
 * d.dispose();
 * ```
 */
export function buildPatchDiscriminator(
  opts: PatchDiscriminatorOptions,
): TranslationDiscriminator {
  const where = "models/patch_discriminator";
  const W = commonScaler(where, opts);
  const { size, inputChannels: cx, imageChannels: cy } = opts;
  const nLayers = opts.nLayers ?? DEFAULT_PATCH_LAYERS;
  checkPositiveInt(where, "inputChannels", cx);
  checkPositiveInt(where, "imageChannels", cy);
  const side = patchMapSize(size, nLayers);
  if (side < 1) {
    throw new Error(
      `${where}: a ${size}×${size} input is too small for nLayers ${nLayers} (map side ${side})`,
    );
  }
  const store = new ParamStore("D", opts.seed, opts.scope ?? "");
  const st = strides(nLayers);
  const widths = st.map((_, i) =>
    i === st.length - 1 ? 1 : W(64 * Math.min(2 ** i, 8))
  );
  const convs: Conv2D[] = [];
  const bns: (BatchNorm | null)[] = [];
  const layers: string[] = [`concat input ${cx} + image ${cy}`];
  let s = size;
  for (let i = 0; i < st.length; i++) {
    const first = i === 0;
    const last = i === st.length - 1;
    const cIn = first ? cx + cy : widths[i - 1];
    const conv = new Conv2D(store, `conv${i}`, cIn, widths[i], {
      kernel: 4,
      stride: st[i],
      pad: 1,
      bias: first || last,
    });
    s = conv.outSize(s);
    convs.push(conv);
    const bn = first || last
      ? null
      : new BatchNorm(store, `bn${i}`, widths[i], DCGAN_BN);
    bns.push(bn);
    layers.push(
      `conv k4 s${st[i]} p1 ${cIn}→${widths[i]} (${s}×${s})${bn ? ", BN" : ""}${
        last ? ", linear (patch map)" : ", LeakyReLU 0.2"
      }`,
    );
  }
  const receptiveField = patchReceptiveField(nLayers);
  return {
    variables: store.variables,
    trainableVariables: store.trainableVariables,
    keys: store.keys,
    dispose: () => store.dispose(),
    nLayers,
    receptiveField,
    patch: [side, side],
    config: {
      model: `patch-nlayer${nLayers}`,
      size,
      inChannels: cx + cy,
      outChannels: 1,
      layers,
      parameters: store.parameterCount(),
      substitutions: widthLine(opts),
    },
    apply(input, image, training) {
      const ok = (t: tf.Tensor4D, c: number) =>
        t.rank === 4 && t.shape[1] === size && t.shape[2] === size &&
        t.shape[3] === c;
      if (
        !ok(input, cx) || !ok(image, cy) || input.shape[0] !== image.shape[0]
      ) {
        throw new Error(
          `${where}: expected input [N, ${size}, ${size}, ${cx}] and image [N, ${size}, ${size}, ${cy}], got [${input.shape}] and [${image.shape}]`,
        );
      }
      return tf.tidy(() => {
        let h = tf.concat([input, image], 3);
        for (let i = 0; i < convs.length; i++) {
          h = convs[i].apply(h);
          const bn = bns[i];
          if (bn) h = bn.apply(h, training);
          if (i < convs.length - 1) h = lrelu(h);
        }
        return h;
      });
    },
  };
}

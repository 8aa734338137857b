/**
 * The pix2pix U-Net generator (Isola et al. 2017, `UnetGenerator`) sized for
 * 32×32 images: four 4×4 stride-2 convolutions down (C64-C128-C256-C256,
 * 32→16→8→4→2), four 4×4 stride-2 transposed convolutions up, and skip
 * connections that concatenate encoder level i to decoder level n−i.
 *
 * Layout, as pix2pix's PyTorch code (`UnetSkipConnectionBlock`):
 * - encoder: conv (no norm on the first), then LeakyReLU 0.2; BatchNorm on
 *   every encoder conv except the first and the innermost (bottleneck) one,
 *   which pix2pix leaves unnormalised in both its Lua and PyTorch code;
 * - decoder: ReLU, transposed conv, BatchNorm, and dropout 0.5 on the first
 *   two decoder layers (the low-resolution ones, as the paper's "CD" layers);
 *   the last layer is ReLU, transposed conv with bias, tanh;
 * - skips carry the *activated* encoder features (pix2pix's in-place
 *   LeakyReLU) and come first in the concatenation: [skip, decoder];
 * - no conv biases next to BatchNorm; weights N(0, 0.02), BatchNorm γ
 *   N(1, 0.02), momentum 0.9 (PyTorch's 0.1), ε 1e-5.
 *
 * Dropout is the generator's only noise (pix2pix has no z). As in pix2pix it
 * is active at test time too (`dropoutAtInference`, default true), while
 * BatchNorm follows the `training` flag. 28×28 inputs are padded to 32×32
 * with −1 (the zoo's rule, docs/models_and_losses.md#image-sizes-and-padding)
 * and the output is centre-cropped back to 28×28.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { centerCrop, padTo } from "../../data/tensor.ts";
import { BatchNorm } from "../layers/batch_norm.ts";
import { Conv2D } from "../layers/conv2d.ts";
import { Conv2DTranspose } from "../layers/conv2d_transpose.ts";
import { Dropout } from "../layers/dropout.ts";
import { deriveSeed, ParamStore } from "../layers/param_store.ts";
import { DCGAN_BN } from "../_dcgan_parts.ts";
import { lrelu } from "../_common.ts";
import {
  checkPositiveInt,
  type CommonBuildOptions,
  commonScaler,
  widthLine,
} from "./_common.ts";
import type { TranslationGenerator } from "./types.ts";

/** Encoder widths of the full-size U-Net (pix2pix's ngf = 64). */
export const UNET_ENCODER_WIDTHS: readonly number[] = [64, 128, 256, 256];
/** Decoder layers (from the bottleneck) that apply dropout. */
export const UNET_DROPOUT_LAYERS = 2;
/** The side the U-Net computes at. */
const WORK_SIZE = 32;

/** Options of {@linkcode buildUnet}. */
export interface UnetOptions extends CommonBuildOptions {
  /** Input and output side: 28 (padded to 32 inside) or 32. */
  size: number;
  /** Input channels Cin. */
  inChannels: number;
  /** Output channels Cout. */
  outChannels: number;
  /** Dropout rate of the first decoder layers (default 0.5; 0 = none). */
  dropoutRate?: number;
  /** Keep dropout on when `training` is false (default true, as pix2pix). */
  dropoutAtInference?: boolean;
}

/** One encoder level. */
interface Down {
  conv: Conv2D;
  bn: BatchNorm | null;
}

/** One decoder level. */
interface Up {
  conv: Conv2DTranspose;
  bn: BatchNorm | null;
  drop: Dropout | null;
}

/**
 * Builds the U-Net generator with seeded weights (variables under "G/").
 *
 * @param opts Size, channels, seed, scope, width, dropout.
 * @returns The generator with its config (layer lines, parameter count).
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildUnet } from "./unet.ts";
 * await tf.setBackend("cpu");
 * const g = buildUnet({ size: 28, inChannels: 1, outChannels: 1, seed: 1, widthMultiplier: 1 / 16 });
 * const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
 * const y = g.apply(x, true, 7);
 * y.shape; // [2, 28, 28, 1]
 * tf.dispose([x, y]);
 * g.dispose();
 * ```
 */
export function buildUnet(opts: UnetOptions): TranslationGenerator {
  const where = "models/unet";
  const W = commonScaler(where, opts);
  const { size, inChannels: cin, outChannels: cout } = opts;
  if (size !== 28 && size !== 32) {
    throw new Error(`${where}: size must be 28 or 32, got ${size}`);
  }
  checkPositiveInt(where, "inChannels", cin);
  checkPositiveInt(where, "outChannels", cout);
  const rate = opts.dropoutRate ?? 0.5;
  if (!(rate >= 0 && rate < 1)) {
    throw new Error(`${where}: dropoutRate must be in [0, 1), got ${rate}`);
  }
  const atInference = opts.dropoutAtInference ?? true;
  const store = new ParamStore("G", opts.seed, opts.scope ?? "");
  const widths = UNET_ENCODER_WIDTHS.map(W);
  const layers: string[] = size === 28
    ? [`pad 28×28×${cin} → 32×32 with −1`]
    : [];
  const downs = makeEncoder(store, cin, widths, layers);
  const ups = makeDecoder(store, cout, widths, rate, opts.seed, layers);
  if (size === 28) layers.push(`crop 32×32×${cout} → 28×28`);
  const dropouts = ups.flatMap((u) => (u.drop ? [u.drop] : []));
  const forward = (x: tf.Tensor4D, training: boolean, noiseSeed?: number) =>
    unetForward(downs, ups, x, training, training || atInference, noiseSeed);

  return {
    variables: store.variables,
    trainableVariables: store.trainableVariables,
    keys: store.keys,
    randomState: dropouts.length === 0 ? undefined : {
      save: () => dropouts.map((d) => d.calls),
      restore: (state) => dropouts.forEach((d, i) => d.calls = state[i] ?? 0),
    },
    dispose: () => store.dispose(),
    config: {
      model: "unet",
      size,
      inChannels: cin,
      outChannels: cout,
      layers,
      parameters: store.parameterCount(),
      substitutions: widthLine(opts),
    },
    apply(input, training, noiseSeed) {
      const [, h, w, c] = input.shape;
      if (input.rank !== 4 || h !== size || w !== size || c !== cin) {
        throw new Error(
          `models/unet: input must be [N, ${size}, ${size}, ${cin}], got [${input.shape}]`,
        );
      }
      return tf.tidy(() => {
        if (size === WORK_SIZE) return forward(input, training, noiseSeed);
        const out = forward(padTo(input, WORK_SIZE), training, noiseSeed);
        return centerCrop(out, size);
      });
    },
  };
}

/** The encoder convs (appends their layer lines). */
function makeEncoder(
  store: ParamStore,
  cin: number,
  widths: number[],
  layers: string[],
): Down[] {
  const n = widths.length;
  const downs: Down[] = [];
  let s = WORK_SIZE;
  for (let i = 0; i < n; i++) {
    const cIn = i === 0 ? cin : widths[i - 1];
    const conv = new Conv2D(store, `down${i}`, cIn, widths[i], {
      kernel: 4,
      stride: 2,
      pad: 1,
    });
    s = conv.outSize(s);
    // pix2pix normalises neither the first nor the innermost encoder conv.
    const norm = i > 0 && i < n - 1;
    const bn = norm
      ? new BatchNorm(store, `down${i}_bn`, widths[i], DCGAN_BN)
      : null;
    downs.push({ conv, bn });
    layers.push(
      `e${i + 1} ${i === 0 ? "" : "LeakyReLU 0.2, "}conv k4 s2 p1 ${cIn}→${
        widths[i]
      } (${s}×${s})${norm ? ", BN" : ""}${i === n - 1 ? " (bottleneck)" : ""}`,
    );
  }
  return downs;
}

/** The decoder transposed convs (appends their layer lines). */
function makeDecoder(
  store: ParamStore,
  cout: number,
  widths: number[],
  rate: number,
  seed: number,
  layers: string[],
): Up[] {
  const n = widths.length;
  const ups: Up[] = [];
  let s = WORK_SIZE >> n;
  for (let j = 0; j < n; j++) {
    // Decoder layer j reads the bottleneck (j = 0) or [skip e(n−j), d(j)].
    const skip = j === 0 ? 0 : widths[n - 1 - j];
    const cIn = j === 0 ? widths[n - 1] : skip + widths[n - 1 - j];
    const last = j === n - 1;
    const cOut = last ? cout : widths[n - 2 - j];
    const conv = new Conv2DTranspose(store, `up${j}`, cIn, cOut, {
      kernel: 4,
      stride: 2,
      pad: "same",
      bias: last,
    });
    s = conv.outSize(s);
    const bn = last ? null : new BatchNorm(store, `up${j}_bn`, cOut, DCGAN_BN);
    const dropped = !last && j < UNET_DROPOUT_LAYERS && rate > 0;
    const drop = dropped ? new Dropout(rate, deriveSeed(seed, 0x6d, j)) : null;
    ups.push({ conv, bn, drop });
    const input = j === 0
      ? `${cIn}`
      : `concat[e${n - j} ${skip} + d${j} ${cIn - skip}]=${cIn}`;
    layers.push(
      `d${j + 1} ReLU, convT k4 s2 ${input}→${cOut} (${s}×${s})${
        last ? ", bias, tanh" : ", BN"
      }${drop ? `, dropout ${rate}` : ""}`,
    );
  }
  return ups;
}

/** The 32×32 forward pass; skips carry the activated encoder features. */
function unetForward(
  downs: Down[],
  ups: Up[],
  x: tf.Tensor4D,
  training: boolean,
  dropOn: boolean,
  noiseSeed?: number,
): tf.Tensor4D {
  const n = downs.length;
  const skips: tf.Tensor4D[] = [];
  let h = x;
  for (let i = 0; i < n; i++) {
    const { conv, bn } = downs[i];
    h = conv.apply(i === 0 ? h : skips[i - 1]);
    if (bn) h = bn.apply(h, training);
    if (i < n - 1) skips.push(lrelu(h));
  }
  for (let j = 0; j < n; j++) {
    const { conv, bn, drop } = ups[j];
    if (j > 0) h = tf.concat([skips[n - 1 - j], h], 3);
    h = conv.apply(tf.relu(h));
    if (bn) h = bn.apply(h, training);
    if (drop && dropOn) {
      // An explicit seed makes the masks a function of the call alone.
      const layer = noiseSeed === undefined
        ? drop
        : new Dropout(drop.rate, deriveSeed(noiseSeed, 0x6d, j));
      h = layer.apply(h, true);
    }
  }
  return tf.tanh(h);
}

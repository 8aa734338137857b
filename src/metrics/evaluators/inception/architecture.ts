/**
 * The layer table of pytorch-fid's FID Inception-v3 (`fid_inception_v3`:
 * torchvision's Inception-v3 with 1008 classes and no auxiliary head): every
 * `BasicConv2d` (convolution without bias + batch norm, eps 0.001, + ReLU) with
 * its PyTorch state-dict name, channels, kernel, stride and padding, in the
 * order PyTorch registers them, plus the final `fc` layer. The network
 * ({@linkcode ./network.ts}) and the formula weights of the tests are both
 * built from this one table.
 *
 * @module
 */

/** One `BasicConv2d` of the network. */
export interface ConvSpec {
  /** State-dict prefix, e.g. `Mixed_5b.branch5x5_2` (keys `<name>.conv.weight`, `<name>.bn.*`). */
  name: string;
  /** Input channels. */
  inChannels: number;
  /** Output channels. */
  outChannels: number;
  /** `[kh, kw]`. */
  kernel: [number, number];
  /** Stride (both axes). */
  stride: number;
  /**
   * `same` where PyTorch pads by (k − 1) / 2 at stride 1, `valid` where it
   * does not pad (every strided convolution of Inception-v3 is unpadded).
   */
  padding: "same" | "valid";
}

/** Batch-norm epsilon of every `BasicConv2d` (torchvision: 0.001). */
export const BN_EPS = 0.001;
/** Width of the pool3 features. */
export const FEATURE_DIM = 2048;
/** Classes of the 2015-12-05 TensorFlow graph (1000 + 8 unused). */
export const NUM_CLASSES = 1008;
/** Input height and width. */
export const INPUT_SIZE = 299;

function conv(
  name: string,
  inChannels: number,
  outChannels: number,
  kernel: number | [number, number],
  stride = 1,
): ConvSpec {
  const k: [number, number] = typeof kernel === "number"
    ? [kernel, kernel]
    : kernel;
  // Inception pads every stride-1 kernel larger than 1×1 to keep the size,
  // except the stem's Conv2d_2a_3x3 and Conv2d_4a_3x3 (handled by the caller).
  const padding = stride === 1 && (k[0] > 1 || k[1] > 1) ? "same" : "valid";
  return { name, inChannels, outChannels, kernel: k, stride, padding };
}

function blockA(p: string, cin: number, poolFeatures: number): ConvSpec[] {
  return [
    conv(`${p}.branch1x1`, cin, 64, 1),
    conv(`${p}.branch5x5_1`, cin, 48, 1),
    conv(`${p}.branch5x5_2`, 48, 64, 5),
    conv(`${p}.branch3x3dbl_1`, cin, 64, 1),
    conv(`${p}.branch3x3dbl_2`, 64, 96, 3),
    conv(`${p}.branch3x3dbl_3`, 96, 96, 3),
    conv(`${p}.branch_pool`, cin, poolFeatures, 1),
  ];
}

function blockB(p: string, cin: number): ConvSpec[] {
  return [
    conv(`${p}.branch3x3`, cin, 384, 3, 2),
    conv(`${p}.branch3x3dbl_1`, cin, 64, 1),
    conv(`${p}.branch3x3dbl_2`, 64, 96, 3),
    conv(`${p}.branch3x3dbl_3`, 96, 96, 3, 2),
  ];
}

function blockC(p: string, cin: number, c7: number): ConvSpec[] {
  return [
    conv(`${p}.branch1x1`, cin, 192, 1),
    conv(`${p}.branch7x7_1`, cin, c7, 1),
    conv(`${p}.branch7x7_2`, c7, c7, [1, 7]),
    conv(`${p}.branch7x7_3`, c7, 192, [7, 1]),
    conv(`${p}.branch7x7dbl_1`, cin, c7, 1),
    conv(`${p}.branch7x7dbl_2`, c7, c7, [7, 1]),
    conv(`${p}.branch7x7dbl_3`, c7, c7, [1, 7]),
    conv(`${p}.branch7x7dbl_4`, c7, c7, [7, 1]),
    conv(`${p}.branch7x7dbl_5`, c7, 192, [1, 7]),
    conv(`${p}.branch_pool`, cin, 192, 1),
  ];
}

function blockD(p: string, cin: number): ConvSpec[] {
  return [
    conv(`${p}.branch3x3_1`, cin, 192, 1),
    conv(`${p}.branch3x3_2`, 192, 320, 3, 2),
    conv(`${p}.branch7x7x3_1`, cin, 192, 1),
    conv(`${p}.branch7x7x3_2`, 192, 192, [1, 7]),
    conv(`${p}.branch7x7x3_3`, 192, 192, [7, 1]),
    conv(`${p}.branch7x7x3_4`, 192, 192, 3, 2),
  ];
}

function blockE(p: string, cin: number): ConvSpec[] {
  return [
    conv(`${p}.branch1x1`, cin, 320, 1),
    conv(`${p}.branch3x3_1`, cin, 384, 1),
    conv(`${p}.branch3x3_2a`, 384, 384, [1, 3]),
    conv(`${p}.branch3x3_2b`, 384, 384, [3, 1]),
    conv(`${p}.branch3x3dbl_1`, cin, 448, 1),
    conv(`${p}.branch3x3dbl_2`, 448, 384, 3),
    conv(`${p}.branch3x3dbl_3a`, 384, 384, [1, 3]),
    conv(`${p}.branch3x3dbl_3b`, 384, 384, [3, 1]),
    conv(`${p}.branch_pool`, cin, 192, 1),
  ];
}

function buildTable(): ConvSpec[] {
  const valid = (c: ConvSpec): ConvSpec => ({ ...c, padding: "valid" });
  return [
    conv("Conv2d_1a_3x3", 3, 32, 3, 2),
    valid(conv("Conv2d_2a_3x3", 32, 32, 3)),
    conv("Conv2d_2b_3x3", 32, 64, 3),
    conv("Conv2d_3b_1x1", 64, 80, 1),
    valid(conv("Conv2d_4a_3x3", 80, 192, 3)),
    ...blockA("Mixed_5b", 192, 32),
    ...blockA("Mixed_5c", 256, 64),
    ...blockA("Mixed_5d", 288, 64),
    ...blockB("Mixed_6a", 288),
    ...blockC("Mixed_6b", 768, 128),
    ...blockC("Mixed_6c", 768, 160),
    ...blockC("Mixed_6d", 768, 160),
    ...blockC("Mixed_6e", 768, 192),
    ...blockD("Mixed_7a", 768),
    ...blockE("Mixed_7b", 1280),
    ...blockE("Mixed_7c", 2048),
  ];
}

/**
 * Every `BasicConv2d` of the FID Inception-v3, in PyTorch's registration
 * (state-dict) order.
 */
export const FID_INCEPTION_CONVS: readonly ConvSpec[] = Object.freeze(
  buildTable(),
);

/**
 * The state-dict keys and shapes the network reads, in PyTorch's order
 * (`num_batches_tracked` buffers, which inference ignores, left out).
 *
 * @returns `[name, shape]` pairs: per convolution `conv.weight`
 *   `[out, in, kh, kw]` then `bn.weight|bias|running_mean|running_var` `[out]`;
 *   last `fc.weight` `[1008, 2048]` and `fc.bias` `[1008]`.
 * @example
 * ```ts
 * import { fidInceptionParameterShapes } from "./architecture.ts";
 * const shapes = fidInceptionParameterShapes();
 * shapes[0]; // ["Conv2d_1a_3x3.conv.weight", [32, 3, 3, 3]]
 * shapes.length; // 472
 * ```
 */
export function fidInceptionParameterShapes(): [string, number[]][] {
  const out: [string, number[]][] = [];
  for (const c of FID_INCEPTION_CONVS) {
    out.push([`${c.name}.conv.weight`, [
      c.outChannels,
      c.inChannels,
      c.kernel[0],
      c.kernel[1],
    ]]);
    for (const p of ["weight", "bias", "running_mean", "running_var"]) {
      out.push([`${c.name}.bn.${p}`, [c.outChannels]]);
    }
  }
  out.push(["fc.weight", [NUM_CLASSES, FEATURE_DIM]]);
  out.push(["fc.bias", [NUM_CLASSES]]);
  return out;
}

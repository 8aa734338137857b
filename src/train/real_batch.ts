/**
 * Real training batches at the shape a variant trains on: the data set's
 * native shape, or — for 32×32 architectures on 28×28 MNIST-like data — the
 * images zero-padded by 2 px (docs/models_and_losses.md#image-sizes-and-padding). Samples are centre-cropped back
 * to the native shape for every metric.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset, Split } from "../data/types.ts";
import type { ImageShape, Variant } from "../models/types.ts";

/**
 * The image shape a variant trains on for a data set.
 *
 * @param variant The variant.
 * @param dataset The data set.
 * @returns The native shape when supported, else the shape padded to 32×32.
 * @throws Error naming both when neither is supported.
 */
export function trainingShape(variant: Variant, dataset: Dataset): ImageShape {
  const native = {
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
  };
  if (variant.supports(native)) return native;
  const padded = { height: 32, width: 32, channels: dataset.channels };
  if (dataset.height <= 32 && dataset.width <= 32 && variant.supports(padded)) {
    return padded;
  }
  throw new Error(
    `variant '${variant.id}' does not support ${dataset.id} images (${dataset.height}×${dataset.width}×${dataset.channels}); it supports ${variant.supportsText}`,
  );
}

/**
 * Images of a split as a float32 NHWC tensor in [−1, 1], padded with −1
 * (black) to `shape` when `shape` is larger than the native size.
 *
 * @param dataset The data set (for its native shape).
 * @param split The split to read from.
 * @param indices Which images.
 * @param shape The target shape (native or padded).
 * @returns A tensor [indices.length, shape.height, shape.width, channels].
 */
export function imagesAt(
  dataset: Dataset,
  split: Split,
  indices: ArrayLike<number>,
  shape: ImageShape,
): tf.Tensor4D {
  const { height, width, channels } = dataset;
  const n = indices.length;
  const { height: H, width: W } = shape;
  const top = (H - height) >> 1;
  const left = (W - width) >> 1;
  const out = new Float32Array(n * H * W * channels).fill(-1);
  const imageSize = height * width * channels;
  const rowSize = width * channels;
  for (let i = 0; i < n; i++) {
    const src = indices[i] * imageSize;
    for (let y = 0; y < height; y++) {
      const from = src + y * rowSize;
      const to = ((i * H + y + top) * W + left) * channels;
      for (let x = 0; x < rowSize; x++) {
        out[to + x] = split.images[from + x] / 127.5 - 1;
      }
    }
  }
  return tf.tensor4d(out, [n, H, W, channels]);
}

/**
 * One training batch: images at `shape` and, for conditional variants, the
 * int32 labels.
 *
 * @param dataset The data set.
 * @param shape The training shape.
 * @param indices Train-split indices of the batch.
 * @param conditional Whether labels are needed.
 * @returns The images and the labels (or null).
 */
export function realBatch(
  dataset: Dataset,
  shape: ImageShape,
  indices: ArrayLike<number>,
  conditional: boolean,
): { images: tf.Tensor4D; labels: tf.Tensor1D | null } {
  const images = imagesAt(dataset, dataset.train, indices, shape);
  if (!conditional) return { images, labels: null };
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    labels[i] = dataset.train.labels[indices[i]];
  }
  return { images, labels: tf.tensor1d(labels, "int32") };
}

/**
 * Centre-crops images back to the native size (identity when equal).
 *
 * @param images Images at the training shape.
 * @param height Native height.
 * @param width Native width.
 * @returns The cropped images (a new tensor, or `images` itself when equal).
 */
export function cropToNative(
  images: tf.Tensor4D,
  height: number,
  width: number,
): tf.Tensor4D {
  const [, H, W] = images.shape;
  if (H === height && W === width) return images;
  return tf.slice(images, [0, (H - height) >> 1, (W - width) >> 1, 0], [
    -1,
    height,
    width,
    -1,
  ]);
}

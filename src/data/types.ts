/**
 * The shared types of ganbench's data layer: image shapes, splits, data
 * sets and load options. The data set ids come from the registry.
 *
 * @module
 */

import type { DatasetId } from "./registry.ts";

// A data set id is a key of the registry's `DATASET_REGISTRY`.
export type { DatasetId };

/** Shape of one image (NHWC without N). */
export interface ImageShape {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** Channels (1 grey, 3 RGB). */
  channels: number;
}

/** One split (train or test) of a data set, as raw bytes. */
export interface Split {
  /** Images, NHWC uint8 (0 … 255), `count * height * width * channels` bytes. */
  images: Uint8Array;
  /** One class label per image, 0 … numClasses − 1. */
  labels: Uint8Array;
  /** The number of images. */
  count: number;
}

/** A loaded data set: both splits plus metadata. */
export interface Dataset {
  /** The data set id. */
  id: DatasetId;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Channels per pixel (1 = grey, 3 = RGB). */
  channels: number;
  /** The number of classes. */
  numClasses: number;
  /** Human-readable class names, index = label. */
  classNames: string[];
  /** The training split. */
  train: Split;
  /** The test split. */
  test: Split;
  /** Where the data was read from (package, directory or generator). */
  source: string;
  /** File name → md5 hex of the verified content (IDX files: uncompressed). */
  checksums: Record<string, string>;
}

/** Options of the synthetic data set. */
export interface SyntheticOptions {
  /** Channels per pixel: 1 (grey, default) or 3 (RGB, coloured per class). */
  channels?: 1 | 3;
  /** Image side in pixels (default 16, at least 8; SSIM needs 11 or more). */
  size?: number;
  /** Training images (default 512). */
  trainCount?: number;
  /** Test images (default 128). */
  testCount?: number;
  /** Generator seed (default 1). */
  seed?: number;
}

/** Options of {@linkcode loadDataset} and the individual loaders. */
export interface LoadOptions {
  /**
   * A directory with the official files (IDX files, plain or `.gz`, for
   * MNIST and Fashion-MNIST; `cifar-10-batches-bin` or its contents for
   * CIFAR-10). Overrides the embedded source.
   */
  dataDir?: string;
  /** Cache directory for checksums and decoded data (default `.cache/ganbench`). */
  cacheDir?: string;
  /**
   * Verify md5 checksums against the known official values (default true).
   * Sizes and headers are always verified.
   */
  verifyChecksums?: boolean;
  /** Options for the `synthetic` data set (ignored by the others). */
  synthetic?: SyntheticOptions;
}

/** What the registry knows of a data set: its facts and its loader. */
export interface DatasetEntry {
  /** Native image shape (`synthetic`: its default; options may change it). */
  shape: ImageShape;
  /**
   * Images in the train and test splits (`synthetic`: its default), so that
   * batch and evaluation sizes can be checked before anything loads.
   */
  splits: { train: number; test: number };
  /**
   * Loads the data set, verifying sizes, headers and (unless switched off)
   * checksums.
   *
   * @param options Data directory, cache directory, checksum switch and
   *   synthetic options.
   * @returns The data set.
   */
  load(options: LoadOptions): Promise<Dataset>;
}

/** The default cache directory, relative to the working directory. */
export const DEFAULT_CACHE_DIR = ".cache/ganbench";

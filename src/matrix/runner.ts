/**
 * Runs a matrix of cells into one results directory (DESIGN.md §6):
 * `manifest.json`, `metrics.csv` (a row per cell × evaluation, flushed as
 * written), `summary.csv` (a row per cell), `grids/<cell>/<step>.png` and
 * `grids/contact_sheet.png`.
 *
 * Runs resume: finished cells are skipped and an interrupted cell restarts
 * from its last checkpoint, with the rows it wrote after that checkpoint
 * removed first, so a killed run never leaves duplicated rows. A directory
 * made with a different spec is refused.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { Cell, MatrixSpec } from "../spec/types.ts";
import type { CellRecord, Manifest } from "../results/manifest.ts";
import {
  newManifest,
  readManifest,
  writeManifest,
} from "../results/manifest.ts";
import { specHash } from "../spec/hash.ts";
import { expandSpec } from "../spec/expand.ts";
import type { Dataset } from "../data/types.ts";
import { loadDataset } from "../data/registry.ts";
import type { BackendInfo } from "../backend/types.ts";
import { trainCell } from "../train/trainer.ts";
import type { TrainConfig } from "../train/trainer.ts";
import { EvaluationSuite } from "../evaluation/suite.ts";
import type { EvaluationSizes } from "../spec/types.ts";
import { ProgressReporter } from "../train/progress.ts";
import type {
  Evaluator,
  ExternalModelSpec,
} from "../metrics/evaluators/types.ts";
import { loadEvaluator } from "../metrics/evaluators/load.ts";
import { getLoss } from "../losses/registry.ts";
import { getVariant } from "../models/registry.ts";
import type { LossId } from "../metrics/mod.ts";
import {
  csvRecords,
  CsvWriter,
  readCsv,
  writeCsvFile,
} from "../results/csv.ts";
import type { CsvValue } from "../results/csv.ts";
import {
  METRIC_NAMES,
  METRICS_COLUMN_NAMES,
  SUMMARY_COLUMN_NAMES,
} from "../results/columns.ts";
import { writePng } from "../results/png.ts";
import { writeRunContactSheet } from "../results/contact_sheet.ts";
import { VERSION } from "../util/version.ts";
import * as tf from "@tensorflow/tfjs-core";

/** Options of {@linkcode runMatrix}. */
export interface RunOptions {
  /** The matrix spec after command-line overrides. */
  spec: MatrixSpec;
  /** The cells to run (all of the spec's, or one shard of them). */
  cells: Cell[];
  /** The results directory. */
  outDir: string;
  /** The initialised backend (name and device go in every row). */
  backend: BackendInfo;
  /** Which shard this is, when sharded. */
  shard?: { index: number; count: number };
  /** Directory with the official data files, overriding embedded sources. */
  dataDir?: string;
  /** Cache directory (checksums, decoded data, real features). */
  cacheDir?: string;
  /** Progress output (default: a reporter on stderr). */
  progress?: ProgressReporter;
  /** Console lines (default `console.log`). */
  log?: (line: string) => void;
}

/** The outcome of one cell in this run. */
export interface CellSummary {
  /** Cell id. */
  id: string;
  /** `finished`, `diverged`, or `skipped` (already done in an earlier run). */
  status: "finished" | "diverged" | "skipped";
  /** Final row values by column name. */
  row: Record<string, CsvValue>;
}

/** Names of the files inside a results directory. */
export const RESULT_FILES = {
  metrics: "metrics.csv",
  summary: "summary.csv",
  grids: "grids",
  checkpoints: "checkpoints",
} as const;

/**
 * Runs every cell that is not finished yet, in order.
 *
 * @param options The spec, cells, output directory and backend.
 * @returns One summary per cell of `options.cells`.
 * @throws Error before anything runs when `outDir` holds a different spec.
 */
export async function runMatrix(options: RunOptions): Promise<CellSummary[]> {
  const { spec, cells, outDir, backend } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const progress = options.progress ?? new ProgressReporter();
  await Deno.mkdir(join(outDir, RESULT_FILES.checkpoints), { recursive: true });
  const manifest = await openManifest(outDir, spec, options.shard);

  const datasets = new Map<string, Dataset>();
  const evaluators = new Map<string, Evaluator>();
  const suites = new Map<string, EvaluationSuite>();
  const metricsPath = join(outDir, RESULT_FILES.metrics);
  const summaries: CellSummary[] = [];
  const memoryAtStart = memorySnapshot();
  try {
    for (const cell of cells) {
      const record = manifest.cells[cell.id];
      if (record && record.status !== "running") {
        summaries.push({
          id: cell.id,
          status: "skipped",
          row: (record.summary ?? {}) as Record<string, CsvValue>,
        });
        log(`${cell.id}: ${record.status} in an earlier run, skipped`);
        continue;
      }
      let dataset = datasets.get(cell.dataset);
      if (!dataset) {
        dataset = await loadDataset(cell.dataset, {
          dataDir: options.dataDir,
          cacheDir: options.cacheDir,
        });
        datasets.set(cell.dataset, dataset);
        manifest.data = {
          ...(manifest.data as object),
          [dataset.id]: dataset.checksums,
        };
      }
      const evaluatorKey = `${cell.dataset}|${cell.config.evaluator}`;
      let evaluator = evaluators.get(evaluatorKey);
      if (!evaluator) {
        evaluator = await loadEvaluator(
          cell.config.evaluator === "default"
            ? dataset.id
            : await externalEvaluator(cell.config.evaluator),
        );
        evaluators.set(evaluatorKey, evaluator);
        manifest.evaluators = {
          ...(manifest.evaluators as object),
          [evaluatorKey]: { id: evaluator.id, md5: evaluator.checksum },
        };
      }
      const sizes = evaluationSizes(cell);
      const suiteKey = `${evaluatorKey}|${JSON.stringify(sizes)}`;
      let suite = suites.get(suiteKey);
      if (!suite) {
        const started = performance.now();
        suite = await EvaluationSuite.prepare(
          dataset,
          evaluator,
          sizes,
          options.cacheDir ? join(options.cacheDir, "features") : undefined,
        );
        suites.set(suiteKey, suite);
        log(
          `${dataset.id}: real statistics ready (${evaluator.id}, fid_floor ${
            suite.fidFloor.toFixed(3)
          }, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
        );
      }
      summaries.push(
        await runCell({
          cell,
          dataset,
          suite,
          evaluator,
          backend,
          outDir,
          metricsPath,
          manifest,
          progress,
        }),
      );
    }
  } finally {
    for (const suite of suites.values()) suite.dispose();
    for (const evaluator of evaluators.values()) evaluator.dispose();
  }
  const memoryAtEnd = memorySnapshot();
  manifest.memory = { start: memoryAtStart, end: memoryAtEnd };
  await writeManifest(outDir, manifest);
  log(
    `memory: RSS ${memoryAtStart.rssMiB} MiB at the start, ${memoryAtEnd.rssMiB} MiB at the end; ` +
      `${memoryAtStart.tensors} → ${memoryAtEnd.tensors} live tensors`,
  );
  writeSummary(outDir, manifest, spec);
  await writeRunContactSheet(outDir, cells.filter((c) => manifest.cells[c.id]));
  return summaries;
}

interface CellContext {
  cell: Cell;
  dataset: Dataset;
  suite: EvaluationSuite;
  evaluator: Evaluator;
  backend: BackendInfo;
  outDir: string;
  metricsPath: string;
  manifest: Manifest;
  progress: ProgressReporter;
}

async function runCell(context: CellContext): Promise<CellSummary> {
  const { cell, dataset, suite, evaluator, backend, outDir, manifest } =
    context;
  const checkpointPath = join(
    outDir,
    RESULT_FILES.checkpoints,
    `${cell.id}.ckpt`,
  );
  const resumeStep = await checkpointStep(checkpointPath);
  // Rows written after the checkpoint are produced again on resume; the best
  // FID so far comes from the rows that stay.
  const kept = dropRowsAfter(context.metricsPath, cell.id, resumeStep);
  let best = { fid: Infinity, step: 0 };
  for (const row of kept) {
    const fid = Number(row.fid);
    if (row.fid !== "" && fid < best.fid) {
      best = { fid, step: Number(row.step) };
    }
  }
  const memoryBefore = memorySnapshot();
  const wallBefore = resumeStep > 0
    ? Number(manifest.cells[cell.id]?.wallSeconds ?? 0)
    : 0;
  manifest.cells[cell.id] = {
    status: "running",
    step: resumeStep,
    wallSeconds: wallBefore,
  };
  await writeManifest(outDir, manifest);

  const conditional = getVariant(cell.variant).conditional;
  const nCritic = cell.config.nCritic ?? getLoss(cell.loss).nCritic;
  const identity: Record<string, CsvValue> = {
    cell: cell.id,
    dataset: cell.dataset,
    variant: cell.variant,
    loss: cell.loss,
    seed: cell.seed,
    backend: backend.backend,
    device: backend.device,
    evaluator: evaluator.id,
    evaluator_md5: evaluator.checksum,
    n_eval: cell.config.nEval,
  };
  const writer = CsvWriter.open(context.metricsPath, METRICS_COLUMN_NAMES);
  let last: Record<string, CsvValue> = {};
  const wallStart = performance.now();
  const wall = () => wallBefore + (performance.now() - wallStart) / 1000;
  try {
    const outcome = await trainCell({
      cellId: cell.id,
      dataset,
      variant: cell.variant,
      loss: cell.loss,
      config: trainConfig(cell),
      checkpointPath: cell.config.checkpointEvery > 0
        ? checkpointPath
        : undefined,
      progress: context.progress,
      onEvaluate: async (at) => {
        const metrics = await suite.evaluate({
          step: at.step,
          generator: at.generator,
          sampleGenerator: at.sampleGenerator,
          discriminator: at.discriminator,
          trainShape: at.trainShape,
          conditional,
          loss: cell.loss as LossId,
          dLoss: at.means.dLoss,
        });
        const grid = await suite.grid(at.sampleGenerator, conditional);
        const gridDir = join(outDir, RESULT_FILES.grids, cell.id);
        await Deno.mkdir(gridDir, { recursive: true });
        await writePng(
          join(gridDir, `${at.step}.png`),
          grid,
        );
        if (metrics.fid < best.fid) best = { fid: metrics.fid, step: at.step };
        last = {
          ...identity,
          step: at.step,
          epoch: at.imagesSeen / dataset.train.count,
          images_seen: at.imagesSeen,
          wall_s: wall(),
          images_per_s: at.imagesPerSecond,
          ...metrics,
          d_loss: at.means.dLoss,
          g_loss: at.means.gLoss,
          grad_norm_d: at.means.gradNormD,
          grad_norm_g: at.means.gradNormG,
          status: "ok",
        };
        writer.append(last);
        // Wall time survives a kill through the manifest (saved with the
        // next checkpoint or cell end).
        manifest.cells[cell.id] = {
          status: "running",
          step: at.step,
          wallSeconds: wall(),
        };
      },
    });
    if (outcome.status === "diverged") {
      const lossesOnly = Object.fromEntries(METRIC_NAMES.map((m) => [m, null]));
      last = {
        ...identity,
        ...lossesOnly,
        step: outcome.step,
        epoch: (outcome.step * nCritic * cell.config.batchSize) /
          dataset.train.count,
        images_seen: outcome.step * nCritic * cell.config.batchSize,
        wall_s: wall(),
        images_per_s: outcome.imagesPerSecond,
        status: "diverged",
      };
      writer.append(last);
    }
    const summary: Record<string, CsvValue> = {
      ...last,
      status: outcome.status,
      train_images_per_s: outcome.imagesPerSecond,
      wall_s: wall(),
      best_fid: Number.isFinite(best.fid) ? best.fid : null,
      best_fid_step: Number.isFinite(best.fid) ? best.step : null,
    };
    const memoryAfter = memorySnapshot();
    const record: CellRecord = {
      status: outcome.status,
      step: outcome.step,
      divergence: outcome.divergence,
      resumedFrom: outcome.resumedFrom,
      wallSeconds: wall(),
      trainSeconds: outcome.trainSeconds,
      trainImagesPerSecond: outcome.imagesPerSecond,
      backend: backend.backend,
      device: backend.device,
      model: outcome.modelConfig,
      config: cell.config,
      summary,
      memory: { before: memoryBefore, after: memoryAfter },
    };
    manifest.cells[cell.id] = record;
    await writeManifest(outDir, manifest);
    await Deno.remove(checkpointPath).catch(() => {});
    context.progress.finish(
      `${cell.id}: ${outcome.status} at step ${outcome.step}` +
        (typeof summary.fid === "number"
          ? `, fid ${(summary.fid as number).toFixed(2)}`
          : "") +
        (outcome.divergence ? ` (${outcome.divergence})` : "") +
        `; RSS ${memoryBefore.rssMiB}→${memoryAfter.rssMiB} MiB`,
    );
    return { id: cell.id, status: outcome.status, row: summary };
  } finally {
    writer.close();
  }
}

/**
 * The trainer settings of a cell.
 *
 * @param cell The cell.
 * @returns Its {@linkcode TrainConfig}.
 */
export function trainConfig(cell: Cell): TrainConfig {
  const c = cell.config;
  const optimizer = (o?: { kind?: string } & Record<string, unknown>) => {
    if (!o) return undefined;
    const { kind, ...rest } = o;
    return kind ? { name: kind as "adam" | "rmsprop", ...rest } : rest;
  };
  return {
    steps: c.steps,
    batchSize: c.batchSize,
    evalEvery: c.evalEvery,
    checkpointEvery: c.checkpointEvery,
    seed: cell.seed,
    nCritic: c.nCritic,
    gradientPenalty: c.gradientPenalty,
    clip: c.clip,
    gEma: c.gEma,
    criticNorm: c.criticNorm === "auto" ? undefined : c.criticNorm,
    dOptimizer: optimizer(
      c.optimizer?.d as Record<string, unknown> | undefined,
    ),
    gOptimizer: optimizer(
      c.optimizer?.g as Record<string, unknown> | undefined,
    ),
  };
}

/**
 * The evaluation sizes of a cell.
 *
 * @param cell The cell.
 * @returns Its {@linkcode EvaluationSizes}.
 */
export function evaluationSizes(cell: Cell): EvaluationSizes {
  const c = cell.config;
  return {
    nEval: c.nEval,
    nEquilibrium: c.nEquilibrium,
    nNeighbour: Math.min(c.nNeighbour, c.nEval),
    nNeighbourPool: c.nNeighbourPool,
    nSsimPairs: c.nSsimPairs,
    kidSubsets: c.kidSubsets,
    kidSubsetSize: c.kidSubsetSize,
    isSplits: c.isSplits,
    gridSize: c.gridSize,
  };
}

async function openManifest(
  outDir: string,
  spec: MatrixSpec,
  shard: { index: number; count: number } | undefined,
): Promise<Manifest> {
  const existing = await readManifest(outDir);
  if (existing) {
    const hash = specHash(spec);
    if (existing.specHash !== hash) {
      throw new Error(
        `${outDir} holds a run of a different spec (${existing.spec.name}, hash ${
          existing.specHash.slice(0, 12)
        } ≠ ${
          hash.slice(0, 12)
        }): pass another --out, or delete ${outDir} to start fresh`,
      );
    }
    return existing;
  }
  const manifest = newManifest(spec);
  Object.assign(manifest, {
    ganbench: VERSION,
    created: new Date().toISOString(),
    deno: Deno.version.deno,
    tfjs: tf.version_core,
    git: await gitCommit(),
  });
  if (shard) manifest.shard = shard;
  await writeManifest(outDir, manifest);
  return manifest;
}

/**
 * The external evaluator named by a cell's `evaluator` setting: a TF.js
 * `model.json` (outputs named `features` and `logits`), or a JSON spec
 * `{ "path": "model.json", "featureOutput": …, "logitsOutput" | "probabilitiesOutput": …, "inputSize": [h, w], "inputRange": [lo, hi] }`
 * whose `path` is relative to the spec file.
 *
 * @param file The file named by `--evaluator` or the spec.
 * @returns What {@linkcode loadEvaluator} takes.
 */
export async function externalEvaluator(
  file: string,
): Promise<ExternalModelSpec> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    throw new Error(
      `evaluator ${file}: cannot read JSON (${(error as Error).message})`,
    );
  }
  if (typeof json.path !== "string") return { path: file };
  return {
    ...(json as unknown as ExternalModelSpec),
    path: join(dirname(file), json.path),
  };
}

async function checkpointStep(path: string): Promise<number> {
  try {
    const file = await Deno.open(path);
    try {
      // The step sits in the JSON header; reading the header is enough.
      const head = new Uint8Array(4096);
      const n = (await file.read(head)) ?? 0;
      const text = new TextDecoder().decode(head.subarray(0, n));
      const match = /"step":(\d+)/.exec(text);
      return match ? Number(match[1]) : 0;
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/**
 * Removes the rows of `cellId` after `step` from the metrics file (rewritten
 * atomically) and returns the rows of that cell that stay, by column name.
 */
function dropRowsAfter(
  path: string,
  cellId: string,
  step: number,
): Record<string, string>[] {
  try {
    Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const table = readCsv(path);
  const cellCol = table.columns.indexOf("cell");
  const stepCol = table.columns.indexOf("step");
  const keep = table.rows.filter((row) =>
    row[cellCol] !== cellId || Number(row[stepCol]) <= step
  );
  if (keep.length !== table.rows.length) {
    writeCsvFile(path, table.columns, keep);
  }
  return csvRecords({ columns: table.columns, rows: keep })
    .filter((row) => row.cell === cellId);
}

function writeSummary(
  outDir: string,
  manifest: Manifest,
  spec: MatrixSpec,
): void {
  // Cell order of the spec; rows for cells of other shards stay out.
  const rows: CsvValue[][] = [];
  for (const cell of expandSpec(spec)) {
    const record = manifest.cells[cell.id];
    if (!record || record.status === "running" || !record.summary) continue;
    const summary = record.summary as Record<string, CsvValue>;
    rows.push(SUMMARY_COLUMN_NAMES.map((name) => summary[name] ?? null));
  }
  writeCsvFile(join(outDir, RESULT_FILES.summary), SUMMARY_COLUMN_NAMES, rows);
}

async function gitCommit(): Promise<string | null> {
  try {
    const head = (await Deno.readTextFile(".git/HEAD")).trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    try {
      return (await Deno.readTextFile(`.git/${ref}`)).trim();
    } catch {
      const packed = await Deno.readTextFile(".git/packed-refs");
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      return line ? line.split(" ")[0] : null;
    }
  } catch {
    return null;
  }
}

/** Process memory at one moment: resident set size and live TF.js tensors. */
export interface MemorySnapshot {
  /** Resident set size of the process, MiB (rounded). */
  rssMiB: number;
  /** `tf.memory().numTensors`. */
  tensors: number;
}

/** Process RSS and live tensor count now (recorded per cell and per run). */
function memorySnapshot(): MemorySnapshot {
  return {
    rssMiB: Math.round(Deno.memoryUsage().rss / 2 ** 20),
    tensors: tf.memory().numTensors,
  };
}

/**
 * Runs a matrix of cells into one results directory (docs/outputs.md#results-directory):
 * `manifest.json`, `metrics.csv` (a row per cell × evaluation, flushed as
 * written), `summary.csv` (a row per cell), `grids/<cell>/<step>.png` and
 * `grids/contact_sheet.png`.
 *
 * Runs resume: finished cells are skipped and an interrupted cell restarts
 * from its last checkpoint, with the rows it wrote after that checkpoint
 * removed first, so a killed run never leaves duplicated rows. A directory
 * made with a different spec, results without a manifest and a
 * `metrics.csv` that lost rows are refused before anything runs, and the
 * directory's lock (`run.lock`) keeps a second process out while it runs.
 *
 * @module
 */
import type { Cell, MatrixSpec } from "../spec/types.ts";
import type { BackendInfo } from "../backend/types.ts";
import { ProgressReporter } from "../train/progress.ts";
import { writeManifest } from "../results/manifest.ts";
import { writeRunContactSheet } from "../results/contact_sheet.ts";
import { checkpointsDir } from "../results/layout.ts";
import { acquireRunLock } from "../results/lock.ts";
import type { Row } from "./cell_rows.ts";
import { writeSummaryCsv } from "./cell_rows.ts";
import { memorySnapshot } from "./memory.ts";
import { openRunManifest } from "./run_manifest.ts";
import { RunResources } from "./run_resources.ts";
import { type CellSummary, runCell } from "./run_cell.ts";
import { runTranslationCell } from "./run_translation_cell.ts";

export type { CellSummary };

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
  /** The Inception weight file, or `formula` (see `RunResourcesOptions`). */
  inceptionWeights?: string;
  /** Progress output (default: a reporter on stderr). */
  progress?: ProgressReporter;
  /** Console lines (default `console.log`). */
  log?: (line: string) => void;
}

/**
 * Runs every cell that is not finished yet, in order, then writes
 * `summary.csv` and the contact sheet.
 *
 * @param options The spec, cells, output directory and backend.
 * @returns One summary per cell of `options.cells`.
 * @throws Error before anything runs when another process holds `outDir`,
 *   or it holds a different spec, results without a manifest or damaged
 *   files (see `checkRunDirectory`).
 * @example
 * ```ts
 * import type { BackendInfo } from "../backend/types.ts";
 * import { expandSpec } from "../spec/expand.ts";
 * import { loadProfile } from "../spec/profiles.ts";
 * import { runMatrix } from "./run_matrix.ts";
 * declare const backend: BackendInfo;
 * const spec = await loadProfile("smoke");
 * const summaries = await runMatrix({
 *   spec,
 *   cells: expandSpec(spec),
 *   outDir: "results/smoke",
 *   backend,
 * });
 * ```
 */
export async function runMatrix(options: RunOptions): Promise<CellSummary[]> {
  const lock = acquireRunLock(options.outDir);
  try {
    return await runLocked(options);
  } finally {
    lock.release();
  }
}

/** {@linkcode runMatrix} once the directory's lock is held. */
async function runLocked(options: RunOptions): Promise<CellSummary[]> {
  const { spec, cells, outDir, backend } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const progress = options.progress ?? new ProgressReporter();
  const manifest = await openRunManifest(outDir, spec, options.shard);
  await Deno.mkdir(checkpointsDir(outDir), { recursive: true });
  const resources = new RunResources({
    manifest,
    dataDir: options.dataDir,
    cacheDir: options.cacheDir,
    inceptionWeights: options.inceptionWeights,
    log,
  });
  const summaries: CellSummary[] = [];
  const memoryAtStart = memorySnapshot();
  try {
    for (const cell of cells) {
      const record = manifest.cells[cell.id];
      if (record && record.status !== "running") {
        summaries.push({
          id: cell.id,
          status: "skipped",
          row: (record.summary ?? {}) as Row,
        });
        log(`${cell.id}: ${record.status} in an earlier run, skipped`);
        continue;
      }
      if (cell.translation) {
        const { pairs, evaluator } = await resources.forTranslationCell(cell);
        summaries.push(
          await runTranslationCell({
            cell,
            pairs,
            evaluator,
            backend,
            outDir,
            manifest,
            progress,
          }),
        );
        continue;
      }
      const { dataset, evaluator, suite } = await resources.forCell(cell);
      summaries.push(
        await runCell({
          cell,
          dataset,
          suite,
          evaluator,
          backend,
          outDir,
          manifest,
          progress,
        }),
      );
    }
  } finally {
    resources.dispose();
  }
  const memoryAtEnd = memorySnapshot();
  manifest.memory = { start: memoryAtStart, end: memoryAtEnd };
  await writeManifest(outDir, manifest);
  log(
    `memory: RSS ${memoryAtStart.rssMiB} MiB at the start, ${memoryAtEnd.rssMiB} MiB at the end; ` +
      `${memoryAtStart.tensors} → ${memoryAtEnd.tensors} live tensors`,
  );
  writeSummaryCsv(outDir, manifest, spec);
  await writeRunContactSheet(outDir, cells.filter((c) => manifest.cells[c.id]));
  return summaries;
}

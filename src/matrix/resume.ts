/**
 * Resuming an interrupted cell: the step of its last checkpoint, and
 * `metrics.csv` cut back to that step, because the rows written after the
 * checkpoint are produced again and must not appear twice.
 *
 * @module
 */
import { csvRecords, readCsv, writeCsvFile } from "../results/csv.ts";
import type { BestFid } from "./cell_rows.ts";
import { checkpointPath, metricsCsvPath } from "../results/layout.ts";
import type { Manifest } from "../results/manifest.ts";
import { writeManifest } from "../results/manifest.ts";
import { memorySnapshot } from "./memory.ts";

/** Where an interrupted cell starts again. */
export interface ResumePoint {
  /** The step of its checkpoint (0: from scratch). */
  step: number;
  /** The best FID among the rows that stay. */
  best: BestFid;
}

/**
 * Finds where a cell resumes and removes its rows after that step from the
 * metrics file (rewritten atomically).
 *
 * @param checkpointPath The cell's checkpoint file (may be missing).
 * @param metricsPath The run's `metrics.csv` (may be missing).
 * @param cellId The cell id.
 * @returns The resume step and the best FID of the rows that stay.
 * @example
 * ```ts
 * import { resumePoint } from "./resume.ts";
 * const { step } = await resumePoint("/tmp/none.ckpt", "/tmp/none.csv", "c");
 * console.log(step); // 0
 * ```
 */
export async function resumePoint(
  checkpointPath: string,
  metricsPath: string,
  cellId: string,
): Promise<ResumePoint> {
  const step = await checkpointStep(checkpointPath);
  const kept = dropRowsAfter(metricsPath, cellId, step);
  let best: BestFid = { fid: Infinity, step: 0 };
  for (const row of kept) {
    const fid = Number(row.fid);
    if (row.fid !== "" && fid < best.fid) {
      best = { fid, step: Number(row.step) };
    }
  }
  return { step, best };
}

/** The step in a checkpoint's header, or 0 when there is no checkpoint. */
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

/** Where a starting cell stands: its files, resume point and baselines. */
export interface CellStart {
  /** The cell's checkpoint file. */
  checkpoint: string;
  /** The run's metrics.csv. */
  metricsPath: string;
  /** Where training resumes (step 0 without a checkpoint). */
  resume: ResumePoint;
  /** Memory when the cell started. */
  memoryBefore: ReturnType<typeof memorySnapshot>;
  /** Wall seconds of earlier attempts (0 on a fresh start). */
  wallBefore: number;
}

/**
 * Finds a cell's resume point and records it as running in the manifest
 * (written to disk), keeping the wall time of earlier attempts on resume:
 * the start shared by zoo and translation cells.
 *
 * @param outDir The results directory.
 * @param manifest Its manifest (updated and written).
 * @param cellId The cell.
 * @returns The cell's files, resume point and baselines.
 */
export async function startCell(
  outDir: string,
  manifest: Manifest,
  cellId: string,
): Promise<CellStart> {
  const checkpoint = checkpointPath(outDir, cellId);
  const metricsPath = metricsCsvPath(outDir);
  // Rows written after the checkpoint are produced again on resume; the best
  // FID so far comes from the rows that stay.
  const resume = await resumePoint(checkpoint, metricsPath, cellId);
  const memoryBefore = memorySnapshot();
  const wallBefore = resume.step > 0
    ? Number(manifest.cells[cellId]?.wallSeconds ?? 0)
    : 0;
  manifest.cells[cellId] = {
    status: "running",
    step: resume.step,
    wallSeconds: wallBefore,
  };
  await writeManifest(outDir, manifest);
  return { checkpoint, metricsPath, resume, memoryBefore, wallBefore };
}

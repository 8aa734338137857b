/**
 * Whether a results directory's files agree with its manifest, checked
 * before a run resumes into it and before a report reads it, so that lost
 * or mixed results are refused instead of skipped or plotted.
 *
 * - Results files with no `manifest.json` belong to an unknown spec:
 *   {@linkcode resultsWithoutManifest} lists them, and such a directory is
 *   never adopted.
 * - `metrics.csv` is appended one line per row, so the only legitimate
 *   unfinished last line is that of a cell still `running` (its process was
 *   killed inside the write; resume cuts it off). A cut-off line of an ended
 *   cell, or an ended cell without the row of one of its evaluations, means
 *   the file lost rows after they were written: {@linkcode checkRunFiles}
 *   refuses it. `summary.csv` is written whole, so any cut-off line in it
 *   is damage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRunFiles } from "./integrity.ts";
 * import { newManifest } from "./manifest.ts";
 * import { loadProfile } from "../spec/profiles.ts";
 * const dir = await Deno.makeTempDir();
 * const manifest = newManifest(await loadProfile("smoke"));
 * manifest.cells["mnist-mlp-ns-s0"] = { status: "finished", step: 40 };
 * await Deno.writeTextFile(`${dir}/metrics.csv`, "cell,step\nmnist-mlp-ns-s0,20\nmnist-mlp-ns-s0,4");
 * assert.throws(
 *   () => checkRunFiles(dir, manifest),
 *   /metrics\.csv: line 3 is cut off/,
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { InputError } from "../util/errors.ts";
import type { Manifest } from "./manifest.ts";
import { parseCsv } from "./csv.ts";
import {
  CHECKPOINTS_DIR,
  GRIDS_DIR,
  JOBS_DIR,
  METRICS_CSV,
  metricsCsvPath,
  SUMMARY_CSV,
  summaryCsvPath,
} from "./layout.ts";

/** What a cut-off line or a missing row asks the user to do. */
const REMEDY =
  "the file lost rows after they were written; restore it, or run again into another directory";

/**
 * The results files and folders in a directory (metrics, summary, grids,
 * and non-empty checkpoints or jobs folders), whatever made them.
 *
 * @param dir A directory (may be missing).
 * @returns Their names, e.g. `["metrics.csv", "grids/"]`; empty when none.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultsWithoutManifest } from "./integrity.ts";
 * const dir = await Deno.makeTempDir();
 * assert.deepEqual(resultsWithoutManifest(dir), []);
 * await Deno.writeTextFile(`${dir}/metrics.csv`, "cell\n");
 * assert.deepEqual(resultsWithoutManifest(dir), ["metrics.csv"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function resultsWithoutManifest(dir: string): string[] {
  const found: string[] = [];
  for (const name of [METRICS_CSV, SUMMARY_CSV]) {
    if (statOf(`${dir}/${name}`)) found.push(name);
  }
  if (statOf(`${dir}/${GRIDS_DIR}`)) found.push(`${GRIDS_DIR}/`);
  for (const name of [CHECKPOINTS_DIR, JOBS_DIR]) {
    // Empty ones are made before anything is written.
    if (
      statOf(`${dir}/${name}`)?.isDirectory && !isEmptyDir(`${dir}/${name}`)
    ) {
      found.push(`${name}/`);
    }
  }
  return found;
}

/**
 * Checks that `metrics.csv` and `summary.csv` hold what the manifest says
 * was written: no cut-off last line except one of a `running` cell, and for
 * every ended cell a row at its last step (and, for a finished cell, at
 * every evaluation step of its recorded config).
 *
 * @param dir The results directory.
 * @param manifest Its manifest.
 * @throws Error One line naming the file and line, or the file and the
 *   cell and step whose row is missing.
 * @example
 * ```ts
 * import { checkRunFiles } from "./integrity.ts";
 * import { readManifest } from "./manifest.ts";
 * const manifest = await readManifest("results/smoke");
 * if (manifest) checkRunFiles("results/smoke", manifest);
 * ```
 */
export function checkRunFiles(dir: string, manifest: Manifest): void {
  const summaryText = readIfPresent(summaryCsvPath(dir));
  if (summaryText !== undefined) {
    const cut = cutOffLine(summaryText);
    if (cut) {
      throw new InputError(
        `${
          summaryCsvPath(dir)
        }: line ${cut.line} is cut off (no line end); ${REMEDY}`,
      );
    }
  }
  const path = metricsCsvPath(dir);
  const ended = Object.entries(manifest.cells).filter(([, r]) =>
    r.status !== "running" && typeof r.step === "number"
  );
  const text = readIfPresent(path);
  if (text === undefined) {
    if (ended.length > 0) {
      throw new InputError(
        `${path}: missing, though manifest.json says ${ended.length} cell(s) ended; ${REMEDY}`,
      );
    }
    return;
  }
  const cut = cutOffLine(text);
  if (cut) {
    // Several ids may share the cut-off prefix; one running is enough.
    const matches = Object.entries(manifest.cells).filter(([id]) =>
      id.startsWith(cut.cell)
    );
    const legit = matches.some(([, r]) => r.status === "running") ||
      (matches.length === 0 && ended.length === 0);
    if (!legit) {
      const whose = matches.length > 0
        ? `, a row of cell ${matches[0][0]}, which manifest.json says ${
          matches[0][1].status
        }`
        : "";
      throw new InputError(
        `${path}: line ${cut.line} is cut off (no line end)${whose}; ${REMEDY}`,
      );
    }
  }
  if (ended.length === 0) return;
  const table = parseCsv(text, path);
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  const cellCol = table.columns.indexOf("cell");
  const stepCol = table.columns.indexOf("step");
  if (cellCol < 0 || stepCol < 0) return;
  const steps = new Map<string, Set<number>>();
  for (const row of table.rows) {
    const set = steps.get(row[cellCol]) ?? new Set<number>();
    set.add(Number(row[stepCol]));
    steps.set(row[cellCol], set);
  }
  for (const [id, record] of ended) {
    const have = steps.get(id) ?? new Set<number>();
    for (const step of expectedSteps(record)) {
      if (!have.has(step)) {
        throw new InputError(
          `${path}: no row for cell ${id} at step ${step} (manifest.json says it ${record.status} at step ${record.step}; the file ends at line ${lines}); ${REMEDY}`,
        );
      }
    }
  }
}

/**
 * The steps an ended cell must have rows at: for a finished cell with a
 * recorded `evalEvery`, every multiple of it up to the last step, and the
 * last step; else the last step alone.
 */
function expectedSteps(record: Manifest["cells"][string]): number[] {
  const last = record.step as number;
  const evalEvery = (record.config as { evalEvery?: unknown } | undefined)
    ?.evalEvery;
  const steps: number[] = [];
  if (
    record.status === "finished" && typeof evalEvery === "number" &&
    Number.isInteger(evalEvery) && evalEvery > 0
  ) {
    for (let s = evalEvery; s < last; s += evalEvery) steps.push(s);
  }
  steps.push(last);
  return steps;
}

/**
 * The unfinished last line of a CSV text (no line end), with its number
 * and the start of its first field, or undefined when the text ends in a
 * newline.
 */
function cutOffLine(
  text: string,
): { line: number; cell: string } | undefined {
  if (text === "" || text.endsWith("\n")) return undefined;
  const start = text.lastIndexOf("\n") + 1;
  const line = text.slice(0, start).split("\n").length;
  const cell = text.slice(start).split(",")[0].replace(/^"/, "");
  return { line, cell };
}

function readIfPresent(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new InputError(
      `${path}: cannot read (${
        error instanceof Error ? error.message : String(error)
      })`,
    );
  }
}

function statOf(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function isEmptyDir(path: string): boolean {
  for (const _ of Deno.readDirSync(path)) return false;
  return true;
}

/**
 * Compares two results directories and writes the outcome: loads both runs,
 * compares them ({@linkcode compareRuns}), writes `compare.json` (by
 * default into the candidate directory) and optionally the Markdown table.
 *
 * @example
 * ```ts
 * import { writeComparison } from "./write_compare.ts";
 * import { ReportInputError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(
 *   writeComparison("/tmp/ganbench-no-such-baseline", "/tmp/ganbench-no-such-candidate"),
 *   (e) => e instanceof ReportInputError && /no-such-baseline: no such directory/.test(e.message),
 * );
 * ```
 *
 * @module
 */
import { dirname, join } from "node:path";
import { loadRun } from "./aggregate.ts";
import { compareRuns } from "./compare.ts";
import type { CompareOptions, CompareResult } from "./compare.ts";
import { compareJson, compareMarkdown } from "./compare_render.ts";

/** Options of {@linkcode writeComparison}. */
export interface WriteComparisonOptions extends CompareOptions {
  /** Where to write the JSON result (default `<candidate-dir>/compare.json`). */
  jsonPath?: string;
  /** Also write the Markdown to this file. */
  markdownPath?: string;
  /** Leave unchanged rows out of the Markdown (the JSON keeps all). */
  changesOnly?: boolean;
}

/** What {@linkcode writeComparison} computed and wrote. */
export interface ComparisonOutput {
  /** The comparison. */
  result: CompareResult;
  /** Its Markdown (see {@linkcode compareMarkdown}). */
  markdown: string;
  /** The JSON file written. */
  jsonPath: string;
  /** The Markdown file written, when asked for. */
  markdownPath?: string;
}

/**
 * Compares a candidate results directory with a baseline and writes
 * `compare.json` (and the Markdown, when `markdownPath` is given).
 *
 * @param baseDir The baseline results directory.
 * @param candDir The candidate results directory.
 * @param options Comparison settings and where to write.
 * @returns The comparison, its Markdown and the files written.
 * @throws ReportInputError One line naming the directory when either is not
 *   a results directory, or (as a `CompareInputError`) when the runs
 *   are not comparable.
 * @example
 * ```ts
 * import { writeComparison } from "./write_compare.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(writeComparison("/tmp/ganbench-no-such-a", "/tmp/ganbench-no-such-b"), /no such directory/);
 * ```
 */
export async function writeComparison(
  baseDir: string,
  candDir: string,
  options: WriteComparisonOptions = {},
): Promise<ComparisonOutput> {
  const { jsonPath, markdownPath, changesOnly, ...compareOptions } = options;
  const base = await loadRun(baseDir);
  const cand = await loadRun(candDir);
  const result = compareRuns(base, cand, compareOptions);
  const markdown = compareMarkdown(result, { changesOnly });
  const json = jsonPath ?? join(candDir, "compare.json");
  // Like report --out: the folders of an output path are made as needed.
  await Deno.mkdir(dirname(json), { recursive: true });
  await Deno.writeTextFile(json, compareJson(result));
  if (markdownPath !== undefined) {
    await Deno.mkdir(dirname(markdownPath), { recursive: true });
    await Deno.writeTextFile(markdownPath, markdown);
  }
  return { result, markdown, jsonPath: json, markdownPath };
}

/**
 * `ganbench bench`: trains and evaluates a matrix of data sets × variants ×
 * losses × seeds (a built-in profile or a JSON spec, narrowed by flags) and
 * writes the results directory of DESIGN.md §6.
 *
 * @module
 */
import { join } from "node:path";
import type { Command } from "./_command.ts";
import { formatHelp, parseFlags, UsageError } from "./_args.ts";
import type { FlagSpecs } from "./_args.ts";
import { BACKEND_CHOICES, initBackend } from "../backend/mod.ts";
import type { BackendChoice } from "../backend/mod.ts";
import { DATASET_IDS, DEFAULT_CACHE_DIR } from "../data/types.ts";
import { VARIANT_IDS } from "../models/registry.ts";
import { LOSS_IDS } from "../losses/registry.ts";
import { applyOverrides } from "../spec/overrides.ts";
import { expandSpec } from "../spec/expand.ts";
import { validateCells } from "../spec/validate.ts";
import { parseShard, shardCells } from "../spec/shard.ts";
import { resolveSpec } from "../spec/profiles.ts";
import { runMatrix } from "../matrix/runner.ts";
import { readEvaluatorManifest } from "../metrics/evaluators/load.ts";
import type { MatrixSpec } from "../spec/types.ts";
import type { CellSummary } from "../matrix/runner.ts";
import { compatibility } from "../spec/compatibility.ts";
import { backendAvailability } from "../backend/mod.ts";
import { JOBS_DIR, runJobs } from "../matrix/jobs.ts";
import { readManifest } from "../results/manifest.ts";
import type { Cell } from "../spec/types.ts";
import { fileURLToPath as fromFileUrl } from "node:url";

/** Set in the environment of the child processes of `--jobs`. */
const JOB_ENV = "GANBENCH_JOB";

/**
 * In a child of `--jobs`: exits when the parent's end of stdin closes (the
 * parent ended, even by SIGKILL). Losing the cell's steps since its last
 * checkpoint is the same as being killed, which resume handles.
 */
function exitWhenParentDies(): void {
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) {
        // The parent never writes; this only waits for end of file.
      }
    } catch {
      // A read error means the parent is gone as well.
    }
    Deno.exit(143);
  })();
}

const FLAGS: FlagSpecs = {
  profile: {
    type: "string",
    valueName: "NAME|FILE",
    default: "quick",
    description:
      "built-in profile (smoke, quick, mnist, fashion, cifar10) or a JSON spec file",
  },
  datasets: {
    type: "list",
    choices: DATASET_IDS,
    valueName: "LIST",
    description: `replace the data set axis (${DATASET_IDS.join(", ")})`,
  },
  variants: {
    type: "list",
    choices: VARIANT_IDS,
    valueName: "LIST",
    description: `replace the variant axis (${VARIANT_IDS.join(", ")})`,
  },
  losses: {
    type: "list",
    choices: LOSS_IDS,
    valueName: "LIST",
    description: `replace the loss axis (${LOSS_IDS.join(", ")})`,
  },
  seeds: {
    type: "list",
    valueName: "LIST",
    description: "replace the seed axis, e.g. 0,1,2",
  },
  steps: {
    type: "integer",
    min: 1,
    description: "G steps per cell (all cells)",
  },
  "batch-size": {
    type: "integer",
    min: 1,
    description: "images per batch (all cells)",
  },
  "eval-every": {
    type: "integer",
    min: 1,
    description: "evaluate every N G steps (all cells)",
  },
  "n-eval": {
    type: "integer",
    min: 2,
    description: "generated images for FID/IS/KID (all cells)",
  },
  backend: {
    type: "choice",
    choices: BACKEND_CHOICES,
    default: "auto",
    description: "TF.js backend",
  },
  out: {
    type: "string",
    valueName: "DIR",
    description: "results directory (default results/<profile>)",
  },
  shard: {
    type: "string",
    valueName: "I/N",
    description: "run the I-th of N deterministic shards of the cells",
  },
  jobs: {
    type: "string",
    valueName: "N|auto",
    default: "auto",
    description:
      "cells run at once, each in its own process (auto: one per CPU core on the single-threaded wasm/cpu backends, else 1)",
  },
  "data-dir": {
    type: "string",
    valueName: "DIR",
    description: "directory with the official data files",
  },
  evaluator: {
    type: "string",
    valueName: "MODEL.json",
    description:
      "an external TF.js evaluator (e.g. a converted Inception-v3) instead of the shipped one",
  },
  "dry-run": { type: "boolean", description: "list the cells and exit" },
};

/** The `bench` sub-command. */
export const benchCommand: Command = {
  name: "bench",
  summary: "train and evaluate a matrix of GAN variants × losses",
  async run(args) {
    const { values } = parseFlags(args, FLAGS);
    if (values.help) {
      console.log(formatHelp(
        "ganbench bench [flags]",
        "Trains every cell (data set × variant × loss × seed) of a profile or spec, evaluates it every --eval-every steps and writes manifest.json, metrics.csv, summary.csv and PNG grids. Rerunning into the same --out resumes.",
        FLAGS,
      ));
      return 0;
    }
    const profile = values.profile as string;
    let spec = await resolveSpec(profile).catch((error) => {
      throw new UsageError(`--profile: ${(error as Error).message}`);
    });
    const seeds = (values.seeds as string[] | undefined)?.map((s) => {
      if (!/^\d+$/.test(s)) {
        throw new UsageError(`--seeds: '${s}' is not a non-negative integer`);
      }
      return Number(s);
    });
    spec = applyOverrides(spec, {
      datasets: values.datasets as string[] | undefined,
      variants: values.variants as string[] | undefined,
      losses: values.losses as string[] | undefined,
      seeds,
      steps: values.steps as number | undefined,
      batchSize: values["batch-size"] as number | undefined,
      evalEvery: values["eval-every"] as number | undefined,
      nEval: values["n-eval"] as number | undefined,
    });
    if (values.evaluator !== undefined) {
      const evaluator = values.evaluator as string;
      try {
        await Deno.stat(evaluator);
      } catch {
        throw new UsageError(`--evaluator: ${evaluator}: file not found`);
      }
      spec = applyEvaluator(spec, evaluator);
    }
    const all = expandSpec(spec);
    // Every invalid combination is reported at once, before anything runs.
    validateCells(all, {
      datasets: DATASET_IDS,
      variants: VARIANT_IDS,
      losses: LOSS_IDS,
      isCompatible: compatibility,
    });
    let cells = all;
    let shard: { index: number; count: number } | undefined;
    if (values.shard !== undefined) {
      try {
        shard = parseShard(values.shard as string);
      } catch (error) {
        throw new UsageError(`--shard: ${(error as Error).message}`);
      }
      cells = shardCells(all, shard.index, shard.count);
    }
    const outDir = (values.out as string | undefined) ??
      join("results", spec.name);
    if (values["dry-run"]) {
      console.log(`${cells.length} of ${all.length} cells → ${outDir}`);
      for (const cell of cells) {
        const c = cell.config;
        console.log(
          `  ${cell.id}  steps ${c.steps}  batch ${c.batchSize}  eval every ${c.evalEvery}  nEval ${c.nEval}`,
        );
      }
      return 0;
    }
    // A missing evaluator is reported before anything trains.
    for (
      const dataset of new Set(
        cells.filter((c) => c.config.evaluator === "default").map((c) =>
          c.dataset
        ),
      )
    ) {
      await readEvaluatorManifest(dataset);
    }
    const plan = shard === undefined
      ? await resolveJobs(
        values.jobs as string,
        values.backend as BackendChoice,
        cells.length,
      )
      : { jobs: 1, backend: "" };
    if (plan.jobs > 1) {
      return await runInJobs(args, cells, outDir, plan, values);
    }
    // A child of --jobs stays quiet apart from its cell's progress lines.
    const isChild = Deno.env.get(JOB_ENV) === "1";
    const backend = await initBackend(values.backend as BackendChoice, {
      log: isChild ? () => {} : (line) => console.error(line),
    });
    if (isChild) {
      exitWhenParentDies();
    } else {
      console.error(
        `${cells.length} cell(s) of profile ${spec.name} → ${outDir}`,
      );
    }
    const started = performance.now();
    const summaries = await runMatrix({
      spec,
      cells,
      outDir,
      backend,
      shard,
      dataDir: values["data-dir"] as string | undefined,
      cacheDir: DEFAULT_CACHE_DIR,
    });
    console.log(summaryTable(summaries));
    console.log(
      `\n${summaries.length} cell(s) in ${
        ((performance.now() - started) / 1000).toFixed(0)
      } s; results in ${outDir}/ (summary.csv, metrics.csv, grids/contact_sheet.png)`,
    );
    return 0;
  },
};

/**
 * The number of processes for `--jobs`: a positive integer, or `auto` = one
 * per core when the backend is single-threaded (wasm, cpu), else 1; never
 * more than the cells. Also names the backend the children will use (what
 * `--backend auto` picks, with the reason), for the console.
 */
async function resolveJobs(
  text: string,
  backend: BackendChoice,
  cells: number,
): Promise<{ jobs: number; backend: string }> {
  let name: string = backend;
  let described: string = backend;
  if (backend === "auto") {
    const picked = (await backendAvailability()).find((b) => b.auto);
    name = picked?.name ?? "cpu";
    described = picked ? `${picked.name}: ${picked.reason}` : "cpu";
  }
  let jobs: number;
  if (text === "auto") {
    jobs = name === "wasm" || name === "cpu"
      ? navigator.hardwareConcurrency
      : 1;
  } else if (/^\d+$/.test(text) && Number(text) >= 1) {
    jobs = Number(text);
  } else {
    throw new UsageError(
      `--jobs: expected a positive integer or 'auto', got '${text}'`,
    );
  }
  return { jobs: Math.max(1, Math.min(jobs, cells)), backend: described };
}

/**
 * Runs the cells in `jobs` child `bench` processes (one cell each, longest
 * first) and merges their results into `outDir`; see `matrix/jobs.ts`.
 */
async function runInJobs(
  args: string[],
  cells: Cell[],
  outDir: string,
  plan: { jobs: number; backend: string },
  values: Record<string, unknown>,
): Promise<number> {
  const { jobs } = plan;
  console.error(
    `${cells.length} cell(s) → ${outDir}, ${jobs} at a time (--jobs ${jobs}, backend ${plan.backend}; each cell in its own process, results per cell in ${
      join(outDir, JOBS_DIR)
    }/)`,
  );
  const started = performance.now();
  const childArgs = withoutFlags(args, ["jobs", "out", "shard"]);
  const readPaths = [
    ".",
    "/usr/share/datasets",
    "/etc/ld.so.cache",
    outDir,
    ...[values.profile, values["data-dir"], values.evaluator].filter((
      v,
    ): v is string => typeof v === "string" && v.includes("/")),
  ];
  const { merged, failed } = await runJobs({
    cells,
    outDir,
    jobs,
    runShard: (shard, count, dir) =>
      runChildBench(
        [
          ...childArgs,
          "--jobs",
          "1",
          "--shard",
          `${shard}/${count}`,
          "--out",
          dir,
        ],
        readPaths,
        [outDir, DEFAULT_CACHE_DIR],
      ),
  });
  const manifest = await readManifest(outDir);
  const summaries: CellSummary[] = cells.flatMap((cell) => {
    const record = manifest?.cells[cell.id];
    if (!record) return [];
    return [{
      id: cell.id,
      status: record.status,
      row: (record.summary ?? { step: record.step }) as CellSummary["row"],
    } as CellSummary];
  });
  console.log(summaryTable(summaries));
  const { finished, diverged, running } = merged.counts;
  console.log(
    `\n${cells.length} cell(s) in ${
      ((performance.now() - started) / 1000).toFixed(0)
    } s with --jobs ${jobs}: ${finished} finished, ${diverged} diverged, ${running} unfinished; results in ${outDir}/ (summary.csv, metrics.csv, grids/contact_sheet.png)`,
  );
  return failed.length > 0 || running > 0 ? 1 : 0;
}

/** `args` without the named `--flag value` / `--flag=value` pairs. */
function withoutFlags(args: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)/.exec(args[i])?.[1];
    if (name !== undefined && names.includes(name)) {
      if (!args[i].includes("=")) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

/**
 * Runs `ganbench bench <args>` in a child Deno process with this process's
 * global permissions (read and write scoped to the given paths where this
 * process's are scoped); its stdout (a one-cell summary) is dropped, its
 * stderr (progress, as plain lines) passes through. When this process dies
 * the child's stdin closes and it exits at its next turn of the event loop
 * (an evaluation's file writes at the latest), so no orphan trains on.
 */
async function runChildBench(
  args: string[],
  readPaths: string[],
  writePaths: string[],
): Promise<number> {
  const flags: string[] = [];
  for (
    const [name, paths] of [["read", readPaths], ["write", writePaths]] as const
  ) {
    flags.push(
      Deno.permissions.querySync({ name }).state === "granted"
        ? `--allow-${name}`
        : `--allow-${name}=${paths.join(",")}`,
    );
  }
  for (const name of ["env", "sys", "ffi", "run", "net"] as const) {
    if (Deno.permissions.querySync({ name }).state === "granted") {
      flags.push(`--allow-${name}`);
    }
  }
  const cli = new URL("./main.ts", import.meta.url);
  const config = new URL("../../deno.json", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${fromFileUrl(config)}`,
      ...flags,
      fromFileUrl(cli),
      "bench",
      ...args,
    ],
    env: { [JOB_ENV]: "1" },
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const { code } = await child.status;
  await child.stdin.close().catch(() => {});
  return code;
}

/** Makes every cell use the external evaluator at `path` (a final override). */
function applyEvaluator(spec: MatrixSpec, path: string): MatrixSpec {
  return {
    ...spec,
    overrides: [...(spec.overrides ?? []), {
      match: {},
      set: { evaluator: path },
    }],
  };
}

function summaryTable(summaries: CellSummary[]): string {
  const fmt = (v: unknown, digits: number) =>
    typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "—";
  const header = [
    "cell",
    "status",
    "step",
    "fid",
    "is",
    "kid",
    "eq_gap",
    "img/s",
  ];
  const rows = summaries.map((s) => [
    s.id,
    s.status === "skipped" ? `${s.row.status ?? "done"} (earlier)` : s.status,
    String(s.row.step ?? "—"),
    fmt(s.row.fid, 2),
    fmt(s.row.is_mean, 2),
    fmt(s.row.kid_mean, 4),
    fmt(s.row.eq_gap, 3),
    fmt(s.row.train_images_per_s, 0),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  return [
    line(header),
    "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|",
    ...rows.map(line),
  ].join("\n");
}

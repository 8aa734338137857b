/**
 * `ganbench compare` fails closed (issue 17): a `nan`, `inf` or
 * non-numeric metric, a metric empty where the other cells of its group
 * have values, a cut-off last row of summary.csv, a finished cell missing
 * from summary.csv and a cell group missing from the candidate are bad
 * input (exit 2, one line naming the file, the cell and the column), never
 * a silent pass. An empty metric of every cell of a group (not computed
 * for that data set) stays legitimate.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { UsageError } from "../../src/cli/_args.ts";
import { compareCommand } from "../../src/cli/compare.ts";
import type {
  FixtureCell,
  FixtureOptions,
} from "../fixtures/report/make_results.ts";
import { seedCells, writeResults } from "../fixtures/report/make_results.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-compare-closed-" });
let counter = 0;

async function results(options: FixtureOptions): Promise<string> {
  const dir = join(root, `run${counter++}`);
  await writeResults(dir, options);
  return dir;
}

/** Runs the command like main.ts does: UsageError → 2; captures output. */
async function compare(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await compareCommand.run([...args, "--quiet"]);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } catch (e) {
    if (e instanceof UsageError) {
      return { code: 2, out: out.join("\n"), err: e.message };
    }
    throw e;
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Asserts exit 2 with one line matching `pattern`. */
function assertRefused(
  r: { code: number; err: string },
  pattern: RegExp,
): void {
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, pattern);
  assert.ok(!r.err.includes("\n"), `one line: ${r.err}`);
}

const FID = [100, 101, 99];
const baseline = await results({
  cells: [
    ...seedCells("mlp", "ns", { fid: FID }),
    ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
  ],
});

/** Candidate cells: baseline values, with `fid` of mlp × ns replaced. */
function candidateCells(fid: FixtureCell["values"][]): FixtureCell[] {
  return [
    ...fid.map((values, seed) => ({
      variant: "mlp",
      loss: "ns",
      seed,
      values,
    })),
    ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
  ];
}

Deno.test("compare: a nan, inf or non-numeric metric is refused (exit 2, naming cell and column)", async () => {
  for (const bad of [NaN, Infinity, -Infinity, "abc", "1.5x"]) {
    const cand = await results({
      cells: candidateCells([{ fid: 100 }, { fid: bad }, { fid: 99 }]),
    });
    const r = await compare(baseline, cand);
    const text = typeof bad === "number"
      ? (Number.isNaN(bad) ? "nan" : bad > 0 ? "inf" : "-inf")
      : bad;
    assertRefused(
      r,
      new RegExp(
        `^${cand}/summary\\.csv line 3: cell synthetic-mlp-ns-s1, column fid: '${text}' is not a finite number$`,
      ),
    );
  }
  // In the baseline too.
  const cand = await results({
    cells: candidateCells([{ fid: 100 }, { fid: 101 }, { fid: 99 }]),
  });
  const r = await compare(cand, baseline, "--metrics", "fid,is_mean");
  assert.equal(r.code, 0, r.err);
  const badBase = await results({
    cells: candidateCells([{ fid: 100 }, { is_mean: NaN }, { fid: 99 }]),
  });
  assertRefused(
    await compare(badBase, cand),
    /summary\.csv line 3: cell synthetic-mlp-ns-s1, column is_mean: 'nan'/,
  );
});

Deno.test("compare: a metric empty in one cell but not the others of its group is refused", async () => {
  const cand = await results({
    cells: candidateCells([{ fid: 100 }, { fid: null }, { fid: 99 }]),
  });
  assertRefused(
    await compare(baseline, cand),
    new RegExp(
      `^${cand}/summary\\.csv line 3: cell synthetic-mlp-ns-s1, column fid: empty, but other cells of synthetic/mlp/ns have values$`,
    ),
  );
  // Empty on every seed of the candidate while the baseline has values.
  const allEmpty = await results({
    cells: candidateCells([{ fid: null }, { fid: null }, { fid: null }]),
  });
  assertRefused(
    await compare(baseline, allEmpty),
    /line 2: cell synthetic-mlp-ns-s0, column fid: empty, but other cells of synthetic\/mlp\/ns have values/,
  );
});

Deno.test("compare: a metric empty in every cell of a group (not computed) is not an error", async () => {
  const empty = { psnr_nn: null, ssim_nn: null };
  const base = await results({
    cells: candidateCells([empty, empty, empty]),
  });
  const cand = await results({
    cells: candidateCells([empty, empty, empty]),
  });
  const r = await compare(base, cand);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(await Deno.readTextFile(join(cand, "compare.json")));
  const psnr = json.groups[0].metrics.find((m: { metric: string }) =>
    m.metric === "psnr_nn"
  );
  assert.equal(psnr.verdict, "missing");
});

Deno.test("compare: a diverged cell's empty or nan metrics are not an error", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", { fid: FID }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
      {
        variant: "mlp",
        loss: "hinge",
        seed: 3,
        status: "diverged",
        values: { d_loss: NaN },
      },
    ],
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 1, r.err); // diverged more often: a failure, not bad input
});

Deno.test("compare: a cut-off last row of summary.csv is refused (exit 2, naming file and line)", async () => {
  const cand = await results({
    cells: candidateCells([{ fid: 100 }, { fid: 101 }, { fid: 99 }]),
  });
  const path = join(cand, "summary.csv");
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, -40));
  assertRefused(
    await compare(baseline, cand),
    new RegExp(
      `^${path}: line 7 is cut off`,
    ),
  );
});

Deno.test("compare: a cell the manifest lists as ended but summary.csv lacks is refused", async () => {
  const cand = await results({
    cells: candidateCells([{ fid: 100 }, { fid: 101 }, { fid: 99 }]),
  });
  const path = join(cand, "summary.csv");
  const lines = (await Deno.readTextFile(path)).split("\n");
  // Whole last row lost (cut at a line boundary).
  await Deno.writeTextFile(path, [...lines.slice(0, -2), ""].join("\n"));
  assertRefused(
    await compare(baseline, cand),
    new RegExp(
      `^${cand}: cell synthetic-mlp-hinge-s2 is finished in manifest\\.json but has no row in summary\\.csv$`,
    ),
  );
});

Deno.test("compare: a cell with two rows in summary.csv is refused", async () => {
  const cand = await results({
    cells: candidateCells([{ fid: 100 }, { fid: 101 }, { fid: 99 }]),
  });
  const path = join(cand, "summary.csv");
  const lines = (await Deno.readTextFile(path)).split("\n");
  await Deno.writeTextFile(
    path,
    [...lines.slice(0, -1), lines[1], ""].join("\n"),
  );
  assertRefused(
    await compare(baseline, cand),
    new RegExp(
      `^${cand}/summary\\.csv line 8: cell synthetic-mlp-ns-s0 has a second row$`,
    ),
  );
});

Deno.test("compare: a cell group of the baseline missing from the candidate is refused (exit 2, naming it)", async () => {
  const cand = await results({
    cells: seedCells("mlp", "ns", { fid: FID }),
  });
  assertRefused(
    await compare(baseline, cand),
    new RegExp(
      `^${cand}: cell group synthetic/mlp/hinge of the baseline is missing from the candidate$`,
    ),
  );
  // A group only in the candidate (new work) is listed, not an error.
  const more = await results({
    cells: [
      ...seedCells("mlp", "ns", { fid: FID }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
      ...seedCells("cgan", "ns", { fid: [50, 51, 52] }),
    ],
  });
  const r = await compare(baseline, more);
  assert.equal(r.code, 0, r.err);
});

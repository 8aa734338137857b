/**
 * Tests of `compare`'s gate under multiple testing (issue 16): gate
 * p-values one-sided in the threshold's worse direction (scipy reference
 * values), one family adjusted by Holm–Bonferroni, Benjamini–Hochberg or
 * nothing, `sd` thresholds, untested and untestable breaches, the output
 * stating the correction, and {@linkcode compareRuns} used in-process on
 * rows filtered in memory.
 */
import { join } from "node:path";
import { assert, assertClose } from "../_assert.ts";
import { UsageError } from "../../src/cli/_args.ts";
import { compareCommand } from "../../src/cli/compare.ts";
import { loadRun } from "../../src/report/aggregate.ts";
import type { RunData } from "../../src/report/aggregate.ts";
import { compareRuns } from "../../src/report/compare.ts";
import type { MetricComparison } from "../../src/report/compare.ts";
import { gateP, testDifference } from "../../src/report/significance.ts";
import type { FixtureCell } from "../fixtures/report/make_results.ts";
import { seedCells, writeResults } from "../fixtures/report/make_results.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-compare-gate-" });
let counter = 0;

async function results(cells: FixtureCell[]): Promise<string> {
  const dir = join(root, `run${counter++}`);
  await writeResults(dir, { cells });
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
    const code = await compareCommand.run(args);
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

/** The comparisons of one metric in every group of a compare.json. */
async function metricOf(
  path: string,
  metric: string,
): Promise<MetricComparison[]> {
  const json = JSON.parse(await Deno.readTextFile(path));
  return json.groups.map((g: { metrics: MetricComparison[] }) =>
    g.metrics.find((m) => m.metric === metric)
  );
}

Deno.test("gateP: one-sided Welch p-values match scipy", () => {
  // scipy.stats.ttest_ind(b, a, equal_var=False, alternative=...).pvalue
  const cases: [number[], number[], "+" | "-" | "±", number][] = [
    [[100, 101, 99], [112, 113, 111], "+", 6.23630176207977e-05],
    [[100, 101], [120, 121], "+", 0.0006238305610776627],
    [[2, 2.02, 1.98], [1.9, 1.95, 1.93], "-", 0.009245620329667602],
    [
      [0.01, 0.013, 0.008, 0.011],
      [0.012, 0.02, 0.015],
      "+",
      0.07141095823885131,
    ],
    [
      [0.01, 0.013, 0.008, 0.011],
      [0.012, 0.02, 0.015],
      "±",
      0.14282191647770262,
    ],
    [[100, 101], [100.5, 103], "+", 0.2459426342249072],
    [[100, 101, 99], [103.5, 106, 108.5], "+", 0.019438876781116155],
  ];
  for (const [a, b, sign, expected] of cases) {
    const p = gateP(testDifference(a, b, 0.05), sign);
    assertClose(p, expected, 1e-9 * Math.max(1, expected * 1e3), `${b}`);
  }
  // The other direction: an improvement has a one-sided p near 1.
  const better = testDifference([100, 101, 99], [90, 91, 89], 0.05);
  assert.ok(gateP(better, "+") > 0.999);
  assert.throws(
    () => gateP(testDifference([1], [2, 3], 0.05), "+"),
    /gateP: needs a Welch test \(got 'none'\)/,
  );
});

// 20 configurations; each candidate has a harmless breach: FID +6% with
// one-sided p = 0.0194 (scipy).
const VARIANTS = ["mlp", "dcgan", "cgan", "cdcgan", "patchgan"];
const LOSSES = ["minimax", "ns", "lsgan", "hinge"];
const twenty = (fid: number[]) =>
  VARIANTS.flatMap((v) => LOSSES.flatMap((l) => seedCells(v, l, { fid })));
const base20 = await results(twenty([100, 101, 99]));
const cand20 = await results(twenty([103.5, 106, 108.5]));

Deno.test("compare: 20 harmless breaches at p ≈ 0.02 fail uncorrected, pass under Holm and BH", async () => {
  const none = await compare(base20, cand20, "--correction", "none");
  assert.equal(none.code, 1, none.err);
  const json = JSON.parse(
    await Deno.readTextFile(join(cand20, "compare.json")),
  );
  assert.equal(json.failures.length, 20);
  assert.equal(json.correction, "none");
  assert.equal(json.familySize, 80, "20 groups × 4 thresholded metrics");
  assert.match(json.failures[0], /no correction \(80 tests\)$/);
  assert.match(
    none.out,
    /\*\*Gate:\*\* no multiple-testing correction \(80 tests\), α = 0\.05\./,
  );

  const holm = await compare(base20, cand20);
  assert.equal(holm.code, 0, holm.out);
  assert.match(
    holm.out,
    /\*\*Gate:\*\* Holm–Bonferroni over 80 tests, α = 0\.05\./,
  );
  assert.match(
    holm.err,
    /^compare: pass; gate: Holm–Bonferroni over 80 tests, α = 0\.05; wrote /,
  );
  assert.match(
    holm.out,
    /\| \+5% \| 0\.019 → 1\.000 \| past threshold, not significant \|/,
  );
  for (const fid of await metricOf(join(cand20, "compare.json"), "fid")) {
    assert.equal(fid.breached, true);
    assert.equal(fid.verdict, "noise");
    assertClose(fid.gate!.p, 0.019438876781116155, 1e-9);
    assert.equal(fid.gate!.alternative, "greater");
    assert.equal(fid.gate!.pAdjusted, 1, "80 × 0.0194, capped");
  }
  const bh = await compare(base20, cand20, "--correction", "bh");
  assert.equal(bh.code, 0);
  for (const fid of await metricOf(join(cand20, "compare.json"), "fid")) {
    // 80 / 20 × 0.0194: the 20 smallest of 80 p-values.
    assertClose(fid.gate!.pAdjusted, 4 * 0.019438876781116155, 1e-9);
  }
  assert.match(bh.out, /Benjamini–Hochberg over 80 tests/);
  const bad = await compare(base20, cand20, "--correction", "bonferroni");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--correction/);
});

Deno.test("compare: a clear regression (p ≈ 6e-5) fails under Holm and BH", async () => {
  const base = await results([
    ...seedCells("mlp", "ns", { fid: [100, 101, 99] }),
    ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
  ]);
  const cand = await results([
    ...seedCells("mlp", "ns", { fid: [112, 113, 111] }),
    ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
  ]);
  for (const correction of ["holm", "bh"]) {
    const r = await compare(base, cand, "--correction", correction, "--quiet");
    assert.equal(r.code, 1, `${correction}: ${r.err}`);
    const [fid] = await metricOf(join(cand, "compare.json"), "fid");
    assert.equal(fid.verdict, "fail");
    assertClose(fid.gate!.p, 6.23630176207977e-05, 1e-12);
    // Both: 8 × p (2 groups × 4 metrics; the others have p = 0.5).
    assertClose(fid.gate!.pAdjusted, 8 * 6.23630176207977e-05, 1e-11);
  }
});

/** A run with only the rows of the given seeds, in memory. */
function seeds(run: RunData, keep: number[]): RunData {
  const summary = run.summary.filter((r) => keep.includes(Number(r.seed)));
  return { ...run, summary };
}

Deno.test("compareRuns in-process: rows filtered by seed, called many times", async () => {
  const base = await loadRun(base20);
  const cand = await loadRun(cand20);
  const all = compareRuns(base, cand, { correction: "none" });
  assert.equal(all.status, "fail");
  assert.equal(all.familySize, 80);
  // Seeds 0 and 1 only: Welch with n = 2 (no bootstrap), still one family.
  const two = compareRuns(seeds(base, [0, 1]), seeds(cand, [0, 1]), {
    correction: "none",
  });
  const fid = two.groups[0].metrics.find((m) => m.metric === "fid")!;
  assert.equal(fid.test.kind, "welch");
  assert.equal(fid.candidate.n, 2);
  assert.equal(two.familySize, 80);
  // One seed (99 → 108.5): no test, the breach is untested; --n1 warn passes.
  const one = compareRuns(seeds(base, [2]), seeds(cand, [2]), { n1: "warn" });
  assert.equal(one.status, "pass");
  assert.equal(one.familySize, 0);
  assert.equal(one.untestedBreaches, 20);
  assert.match(
    one.notes.at(-1)!,
    /^20 breach\(es\) untested \(n = 1 on a side/,
  );
  // The inputs are not changed by comparing.
  assert.equal(base.summary.length, 60);
});

Deno.test("compare: kid_mean:+2sd follows the baseline's seed spread", async () => {
  const kidBase = [0.001, 0.003, 0.002, 0.002]; // std 0.000816
  const base = await results(seedCells("mlp", "ns", { kid_mean: kidBase }));
  // +20% of a KID near 0 (past the old +10%), but within 2 sd: no breach.
  const small = await results(
    seedCells("mlp", "ns", { kid_mean: [0.0024, 0.0022, 0.0026, 0.0024] }),
  );
  const r0 = await compare(base, small);
  assert.equal(r0.code, 0, r0.err);
  const [kid0] = await metricOf(join(small, "compare.json"), "kid_mean");
  assert.equal(kid0.breached, false);
  assertClose(kid0.limit!, 2 * 0.0008164965809277259, 1e-15);
  assert.match(r0.out, /\| \+2sd \(0\.001633\) \|/);
  // +0.004 = 4.9 sd, one-sided p = 2.97e-4 (scipy), 4 tests: fails.
  const big = await results(
    seedCells("mlp", "ns", { kid_mean: [0.0055, 0.0065, 0.006, 0.006] }),
  );
  const r1 = await compare(base, big, "--quiet");
  assert.equal(r1.code, 1);
  const [kid1] = await metricOf(join(big, "compare.json"), "kid_mean");
  assertClose(kid1.gate!.p, 0.00029650779539151345, 1e-12);
  assert.equal(kid1.verdict, "fail");
  const json = JSON.parse(await Deno.readTextFile(join(big, "compare.json")));
  assert.match(
    json.failures[0],
    /^synthetic\/mlp\/ns kid_mean: \+0\.004 \(\+200\.0%\) past \+2sd \(limit \+0\.001633\), Welch t p=3\.0e-4 \(one-sided\), Holm–Bonferroni-adjusted p=0\.001 over 4 tests$/,
  );
});

Deno.test("compare: an sd threshold with one baseline seed is untestable, never a failure", async () => {
  const base = await results(seedCells("mlp", "ns", { kid_mean: [0.002] }));
  const cand = await results(seedCells("mlp", "ns", { kid_mean: [0.01] }));
  const r = await compare(base, cand);
  assert.equal(r.code, 0, "n1 fail does not apply: no limit to breach");
  const [kid] = await metricOf(join(cand, "compare.json"), "kid_mean");
  assert.equal(kid.verdict, "untestable");
  assert.equal(kid.breached, false);
  assert.match(
    r.out,
    /\| \+2sd \(n\/a\) \| {2}\| threshold n\/a \(1 baseline seed\) \|/,
  );
  assert.match(
    r.out,
    /Note: kid_mean \+2sd cannot apply with one baseline seed \(no seed spread\), not gated: synthetic\/mlp\/ns/,
  );
  // A percentage threshold still gates the same single seed (untested).
  const pct = await compare(base, cand, "--fail-on", "kid_mean:+10%");
  assert.equal(pct.code, 1);
  assert.match(pct.out, /❌ \*\*fail\*\* \(untested: n=1\)/);
});

Deno.test("compareRuns: a default metric with no column on one side (an older run) is skipped with a note; a thresholded one is refused", async () => {
  const dir = await results(seedCells("mlp", "ns", { fid: [100, 101, 99] }));
  const run = await loadRun(dir);
  const older: RunData = {
    ...run,
    summaryColumns: run.summaryColumns.filter((c) => c !== "coverage"),
    summary: run.summary.map(({ coverage: _c, ...rest }) => rest),
  };
  const result = compareRuns(older, run);
  assert.equal(result.status, "pass");
  assert.ok(
    result.notes.some((n) => /not compared .*: .*coverage/.test(n)),
    result.notes.join("\n"),
  );
  assert.ok(
    result.groups[0].metrics.every((m) => m.metric !== "coverage"),
  );
  const noFid: RunData = {
    ...run,
    summaryColumns: run.summaryColumns.filter((c) => c !== "fid"),
  };
  assert.throws(() => compareRuns(noFid, run), /has no column 'fid'/);
});

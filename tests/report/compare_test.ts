/**
 * Tests of `ganbench compare` (src/report/ compare, thresholds, significance,
 * comparability, rendering; src/cli/compare.ts) on
 * small results directories written in a temp dir: pass, fail, noise, the
 * n = 1 / n = 2 rules, divergence, thresholds, and every refusal. The
 * multiple-testing gate and sd thresholds: compare_gate_test.ts; threshold
 * parsing: thresholds_test.ts.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { UsageError } from "../../src/cli/_args.ts";
import { compareCommand } from "../../src/cli/compare.ts";
import type { FixtureOptions } from "../fixtures/report/make_results.ts";
import { seedCells, writeResults } from "../fixtures/report/make_results.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-compare-" });
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

// A baseline with three seeds of two configurations.
const FID = [100, 101, 99];
const baseline = await results({
  cells: [
    ...seedCells("mlp", "ns", { fid: FID, is_mean: [2, 2.02, 1.98] }),
    ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
  ],
});

Deno.test("compare: equal-within-noise candidate passes (exit 0), Welch's test named", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", {
        fid: [100.5, 99.5, 100.8],
        is_mean: [2.01, 1.99, 2],
      }),
      ...seedCells("mlp", "hinge", { fid: [80.2, 80.9, 79.1] }),
    ],
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /ganbench compare: ✅ pass/);
  assert.match(r.out, /Welch t: p=/);
  assert.match(
    r.out,
    /Welch's t-test, one-sided in the threshold's worse direction/,
  );
  const json = JSON.parse(
    await Deno.readTextFile(join(cand, "compare.json")),
  );
  assert.equal(json.status, "pass");
  assert.equal(json.groups.length, 2);
  const fid = json.groups[0].metrics.find((m: { metric: string }) =>
    m.metric === "fid"
  );
  assert.equal(fid.test.kind, "welch");
  assert.equal(fid.baseline.n, 3);
  assert.equal(fid.verdict, "same");
});

Deno.test("compare: a significant FID regression past +5% fails (exit 1)", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", {
        fid: [112, 113, 111],
        is_mean: [2, 2.02, 1.98],
      }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
  });
  const out = join(root, "fail.json");
  const r = await compare(baseline, cand, "--out", out, "--quiet");
  assert.equal(r.code, 1);
  const json = JSON.parse(await Deno.readTextFile(out));
  assert.equal(json.status, "fail");
  assert.equal(json.failures.length, 1);
  assert.match(
    json.failures[0],
    /^synthetic\/mlp\/ns fid: \+12 \(\+12\.0%\) past \+5%, Welch t p=/,
  );
  const fid = json.groups[0].metrics.find((m: { metric: string }) =>
    m.metric === "fid"
  );
  assert.equal(fid.delta, 12);
  assert.ok(Math.abs(fid.relDelta - 0.12) < 1e-12);
  assert.ok(fid.test.p < 0.001, `p = ${fid.test.p}`);
  assert.equal(fid.verdict, "fail");
  assert.equal(r.out, "", "--quiet prints no table");
});

Deno.test("compare: a large but noisy change is not significant and passes", async () => {
  // mean +8% (past +5%), but the seeds scatter widely
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", {
        fid: [80, 140, 104],
        is_mean: [2, 2.02, 1.98],
      }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 0);
  const json = JSON.parse(
    await Deno.readTextFile(join(cand, "compare.json")),
  );
  const fid = json.groups[0].metrics.find((m: { metric: string }) =>
    m.metric === "fid"
  );
  assert.equal(fid.breached, true);
  assert.equal(fid.test.significant, false);
  assert.equal(fid.verdict, "noise");
  assert.match(r.out, /past threshold, not significant/);
});

Deno.test("compare: a significant improvement is 'better', never a failure", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", {
        fid: [60, 61, 59],
        is_mean: [2.5, 2.52, 2.49],
      }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 0);
  assert.match(
    r.out,
    /`fid` ↓ \| 100 ± 1 \(n=3\) \| 60 ± 1 \(n=3\) \| -40 \| -40\.0%/,
  );
  assert.match(r.out, /✅ better/);
  // --changes-only keeps the changed rows, drops the unchanged group
  const short = await compare(baseline, cand, "--changes-only");
  assert.match(short.out, /synthetic · mlp · ns/);
  assert.ok(!short.out.includes("synthetic · mlp · hinge"));
});

Deno.test("compare: n = 2 uses Welch's test; n = 1 has no test", async () => {
  const base2 = await results({
    cells: seedCells("mlp", "ns", { fid: [100, 101] }),
  });
  const cand2 = await results({
    cells: seedCells("mlp", "ns", { fid: [120, 121] }),
  });
  const r2 = await compare(base2, cand2);
  assert.equal(r2.code, 1);
  // One-sided p = 6.24e-4 (scipy), 4 tests (fid, kid_mean, is_mean, eq_gap).
  assert.match(
    r2.out,
    /Welch t: p=0\.001 \| \+5% \| 6\.2e-4 → 0\.002 \| ❌ \*\*fail\*\* \|/,
  );

  const base1 = await results({
    cells: seedCells("mlp", "ns", { fid: [100] }),
  });
  const cand1 = await results({
    cells: seedCells("mlp", "ns", { fid: [120] }),
  });
  const r1 = await compare(base1, cand1);
  assert.equal(r1.code, 1, "n = 1: a breach fails by default");
  assert.match(r1.out, /none \(n=1\)/);
  assert.match(r1.out, /n=1, no test: untested breach \(--n1 fail\)/);
  assert.match(r1.out, /❌ \*\*fail\*\* \(untested: n=1\)/);
  assert.match(
    r1.out,
    /1 breach untested \(n = 1\), which fails \(--n1 fail\)/,
  );
  const warn = await compare(base1, cand1, "--n1", "warn");
  assert.equal(warn.code, 0, "--n1 warn: reported only");
  assert.match(warn.out, /no test \(n=1\)/);
  assert.match(warn.out, /1 breach untested \(n = 1\), which only warns/);
  // No breach with n = 1: passes.
  const same1 = await results({
    cells: seedCells("mlp", "ns", { fid: [102] }),
  });
  assert.equal((await compare(base1, same1)).code, 0);
});

Deno.test("compare: a configuration that diverges more often fails", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", { fid: [100, 101] }),
      { variant: "mlp", loss: "ns", seed: 2, status: "diverged" },
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 1);
  assert.match(r.out, /diverged on 1\/3 seeds \(baseline 0\/3\)/);
});

Deno.test("compare: --fail-on and --thresholds replace the defaults per metric", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", {
        fid: [103, 104, 102], // +3%: within the default +5%
        is_mean: [2, 2.02, 1.98],
      }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
  });
  assert.equal((await compare(baseline, cand)).code, 0);
  // One-sided p = 0.011: significant alone, not after Holm over the 8 tests
  // (which the multiple-testing tests cover), so uncorrected here.
  const gate = ["--correction", "none"];
  const uncorrected = (...args: string[]) =>
    compare(baseline, cand, ...gate, ...args);
  assert.equal((await uncorrected("--fail-on", "fid:+2%")).code, 1);
  assert.equal((await compare(baseline, cand, "--fail-on", "fid:+2%")).code, 0);
  assert.equal((await uncorrected("--fail-on", "fid:+2")).code, 1);
  assert.equal((await uncorrected("--fail-on", "fid:+4")).code, 0);
  const file = join(root, "thresholds.json");
  await Deno.writeTextFile(file, JSON.stringify({ fid: "+1%" }));
  assert.equal((await uncorrected("--thresholds", file)).code, 1);
  // --fail-on wins over the file
  assert.equal(
    (await uncorrected(
      "--thresholds",
      file,
      "--fail-on",
      "fid:off",
    ))
      .code,
    0,
  );
  const bad = await compare(baseline, cand, "--fail-on", "fid:five");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^--fail-on: threshold 'fid:five': expected/);
  const badAlpha = await compare(baseline, cand, "--alpha", "2");
  assert.equal(badAlpha.code, 2);
});

Deno.test("compare: refuses a missing directory (exit 2, one line)", async () => {
  const r = await compare(baseline, join(root, "nope"));
  assert.equal(r.code, 2);
  assert.match(r.err, /nope: no such directory$/);
  assert.ok(!r.err.includes("\n"));
  const notRun = await Deno.makeTempDir({ dir: root });
  const r2 = await compare(notRun, baseline);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /not a results directory \(no manifest\.json\)/);
});

Deno.test("compare: refuses different data sets", async () => {
  const cand = await results({
    cells: seedCells("mlp", "ns", { fid: FID }, { dataset: "mnist" }),
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /different data sets from the baseline .* \(baseline: synthetic; candidate: mnist\)/,
  );
  // same id, other files
  const other = await results({
    cells: seedCells("mlp", "ns", { fid: FID }),
    dataChecksums: { "train-images": "ffff", "test-images": "bbbb" },
  });
  const r2 = await compare(baseline, other);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /data set synthetic has different file checksums/);
});

Deno.test("compare: refuses different evaluators (id or weights)", async () => {
  for (
    const patch of [{ evaluatorMd5: "ffffffffffffffffffffffffffffffff" }, {
      evaluator: "inception-v3",
    }]
  ) {
    const cand = await results({
      cells: seedCells("mlp", "ns", { fid: FID }),
      ...patch,
    });
    const r = await compare(baseline, cand);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /evaluator of synthetic differs from the baseline .*FIDs from different evaluators are never compared/,
    );
    assert.ok(r.err.startsWith(cand), "names the candidate directory");
  }
});

Deno.test("compare: refuses different protocols (steps, batch size, n_eval)", async () => {
  const cases: [Partial<FixtureOptions>, RegExp][] = [
    [{ defaults: { steps: 16 } }, /steps 12 vs 16/],
    [{ defaults: { batchSize: 32 } }, /batchSize 16 vs 32/],
    [{ nEval: 128 }, /n_eval 64 vs 128/],
  ];
  for (const [patch, expected] of cases) {
    const cand = await results({
      cells: seedCells("mlp", "ns", { fid: FID }),
      ...patch,
    });
    const r = await compare(baseline, cand);
    assert.equal(r.code, 2, `${JSON.stringify(patch)}: ${r.err}`);
    assert.match(
      r.err,
      /protocol of synthetic\/mlp\/ns differs from the baseline/,
    );
    assert.match(r.err, expected);
  }
});

Deno.test("compare: reads the config the runner recorded, not today's expansion of the spec", async () => {
  // The spec says 16 steps, but the cells recorded 12: what they ran with.
  const recorded12 = await results({
    cells: [
      ...seedCells("mlp", "ns", { fid: FID }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
    defaults: { steps: 16 },
    recordedConfig: { steps: 12 },
  });
  const same = await compare(baseline, recorded12);
  assert.equal(same.code, 0, same.err);
  // The spec says 12 steps, but the cells recorded 16: refused.
  const recorded16 = await results({
    cells: [
      ...seedCells("mlp", "ns", { fid: FID }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
    ],
    recordedConfig: { steps: 16 },
  });
  const r = await compare(baseline, recorded16);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /protocol of synthetic\/mlp\/ns differs .*steps 12 vs 16/,
  );
});

Deno.test("compare: cell groups only in the candidate are listed, not compared; one lost from the baseline is refused", async () => {
  const cand = await results({
    cells: [
      ...seedCells("mlp", "ns", { fid: FID, is_mean: [2, 2.02, 1.98] }),
      ...seedCells("mlp", "hinge", { fid: [80, 81, 79] }),
      ...seedCells("cgan", "ns", { fid: [50, 51, 52] }),
    ],
  });
  const r = await compare(baseline, cand);
  assert.equal(r.code, 0);
  assert.match(
    r.out,
    /only in the candidate, not compared: synthetic\/cgan\/ns/,
  );
  const lost = await results({
    cells: seedCells("mlp", "ns", { fid: FID, is_mean: [2, 2.02, 1.98] }),
  });
  const r1 = await compare(baseline, lost);
  assert.equal(r1.code, 2);
  assert.match(
    r1.err,
    /cell group synthetic\/mlp\/hinge of the baseline is missing/,
  );
  const disjoint = await results({
    cells: seedCells("cgan", "hinge", { fid: FID }),
  });
  const r2 = await compare(baseline, disjoint);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /no \(data set, variant, loss\) in common/);
});

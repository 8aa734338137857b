/**
 * A short run under each budget unit: `mlp` × `wgan-gp` (n_critic 2) on the
 * synthetic data with `steps` 8. Counting D steps (the default) trains 4 G
 * steps (8 D steps); counting G steps trains 8 (16 D steps). Every
 * `metrics.csv` and `summary.csv` row records both counts and the unit, and
 * the manifest records the cell's `budget`. A budget that is no whole
 * number of G steps stops `bench` before anything runs (exit 2).
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { readCsv } from "../../src/results/csv.ts";
import { expandSpec } from "../../src/spec/expand.ts";
import { parseSpec } from "../../src/spec/spec.ts";
import { runMatrix } from "../../src/matrix/run_matrix.ts";
import { ProgressReporter } from "../../src/train/progress.ts";
import { main } from "../../src/cli/main.ts";

const backend = await initBackend("cpu");

/** Runs the one-cell matrix under `budget` into a fresh directory. */
async function run(budget: string): Promise<string> {
  const spec = parseSpec({
    name: `budget-${budget}`,
    datasets: ["synthetic"],
    variants: ["mlp"],
    losses: ["wgan-gp"],
    seeds: [0],
    defaults: {
      budget,
      nCritic: 2,
      steps: 8,
      batchSize: 8,
      evalEvery: 8,
      checkpointEvery: 0,
      nEval: 32,
      nEquilibrium: 16,
      nNeighbour: 8,
      nNeighbourPool: 32,
      nSsimPairs: 8,
      kidSubsets: 2,
      kidSubsetSize: 16,
      isSplits: 2,
      gridSize: 2,
      singularFid: "warn",
      memorisation: "off",
    },
  }, "budget");
  const outDir = await Deno.makeTempDir({ prefix: "ganbench-budget-" });
  await runMatrix({
    spec,
    cells: expandSpec(spec),
    outDir,
    backend,
    progress: new ProgressReporter({ write: () => {} }),
    log: () => {},
  });
  return outDir;
}

/** The named columns of every row of a CSV file. */
function columns(path: string, names: string[]): string[][] {
  const table = readCsv(path);
  const at = names.map((n) => table.columns.indexOf(n));
  assert.ok(at.every((i) => i >= 0), `${path} lacks one of ${names}`);
  return table.rows.map((r) => at.map((i) => r[i]));
}

const NAMES = ["step", "d_steps", "images_seen", "budget_unit", "status"];

for (
  const [budget, step, dSteps] of [
    ["d-steps", "4", "8"],
    ["g-steps", "8", "16"],
  ]
) {
  Deno.test(`budget run: ${budget} — steps 8 train ${step} G steps, ${dSteps} D steps`, async () => {
    const dir = await run(budget);
    try {
      const images = String(Number(dSteps) * 8);
      assert.deepEqual(columns(join(dir, "metrics.csv"), NAMES), [
        [step, dSteps, images, budget, "ok"],
      ]);
      assert.deepEqual(columns(join(dir, "summary.csv"), NAMES), [
        [step, dSteps, images, budget, "finished"],
      ]);
      const manifest = JSON.parse(
        await Deno.readTextFile(join(dir, "manifest.json")),
      );
      const record = manifest.cells["synthetic-mlp-wgan-gp-s0"];
      assert.equal(record.config.budget, budget);
      assert.equal(record.config.steps, 8);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("budget run: bench refuses a budget that is no whole number of G steps (exit 2, one line)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ganbench-budget-" });
  const path = join(dir, "spec.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "bad-budget",
      datasets: ["mnist"],
      variants: ["mlp"],
      losses: ["ns", "wgan"],
      seeds: [0],
      defaults: { steps: 1000, evalEvery: 500, checkpointEvery: 0 },
      overrides: [{ match: { loss: "wgan" }, set: { nCritic: 3 } }],
    }),
  );
  const err: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(["bench", "--profile", path, "--dry-run"]);
    assert.equal(code, 2);
  } finally {
    console.error = error;
    await Deno.remove(dir, { recursive: true });
  }
  assert.deepEqual(err, [
    "ganbench bench: invalid matrix (2 problems): " +
    "mnist-mlp-wgan-s0: steps 1000 (d-steps) is not a multiple of nCritic 3; " +
    "mnist-mlp-wgan-s0: evalEvery 500 (d-steps) is not a multiple of nCritic 3",
  ]);
});

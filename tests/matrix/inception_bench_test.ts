/**
 * A short bench run scored with the FID Inception-v3 end to end: the
 * network built from the formula weights of the structural test (the real
 * weight file cannot be fetched here), a small real reference set and
 * `singularFid: "warn"` (N ≤ 2048). Every row names the evaluator and its
 * checksum, and the metrics are finite.
 *
 * @module
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { main } from "../../src/cli/main.ts";
import { readCsv } from "../../src/results/csv.ts";
import { readManifest } from "../../src/results/manifest.ts";
import { inceptionChecksum } from "../../src/metrics/evaluators/inception/evaluator.ts";
import {
  FORMULA_EVALUATOR_ID,
  FORMULA_WEIGHTS,
} from "../../src/metrics/evaluators/inception/load.ts";

Deno.test("bench --evaluator inception (formula weights): a short run completes with Inception rows", async () => {
  await Deno.mkdir(".cache", { recursive: true });
  const root = await Deno.makeTempDir({
    dir: ".cache",
    prefix: "test-inception-bench-",
  });
  try {
    const specPath = join(root, "spec.json");
    await Deno.writeTextFile(
      specPath,
      JSON.stringify({
        name: "inception-e2e",
        datasets: ["synthetic"],
        variants: ["mlp"],
        losses: ["ns"],
        seeds: [0],
        defaults: {
          steps: 2,
          batchSize: 8,
          evalEvery: 2,
          checkpointEvery: 2,
          nEval: 8,
          nReal: 8,
          singularFid: "warn",
          // The copy test would pass all 512 train images through Inception.
          memorisation: "off",
          nEquilibrium: 8,
          nNeighbour: 4,
          nNeighbourPool: 16,
          nSsimPairs: 4,
          kidSubsets: 2,
          kidSubsetSize: 4,
          isSplits: 2,
          gridSize: 2,
        },
      }),
    );
    const out = join(root, "run");
    const code = await main([
      "bench",
      "--profile",
      specPath,
      "--backend",
      "wasm",
      "--evaluator",
      "inception",
      "--inception-weights",
      FORMULA_WEIGHTS,
      "--jobs",
      "1",
      "--out",
      out,
    ]);
    assert.equal(code, 0);
    const { columns, rows } = readCsv(join(out, "metrics.csv"));
    assert.equal(rows.length, 1);
    const row = Object.fromEntries(columns.map((c, i) => [c, rows[0][i]]));
    assert.equal(row.evaluator, `${FORMULA_EVALUATOR_ID}/pytorch`);
    assert.equal(
      row.evaluator_md5,
      inceptionChecksum(FORMULA_WEIGHTS, "pytorch"),
    );
    for (const metric of ["fid", "is_mean", "kid_mean", "fid_floor"]) {
      assert.ok(
        Number.isFinite(Number(row[metric])),
        `${metric} = ${row[metric]}`,
      );
    }
    // IS lies in [1, classes]; the formula network has 1008 classes.
    assert.ok(Number(row.is_mean) >= 1 && Number(row.is_mean) <= 1008);
    assert.equal(row.copy_rate, "", "memorisation off: no copy rate");
    const manifest = await readManifest(out);
    assert.equal(manifest!.cells["synthetic-mlp-ns-s0"].status, "finished");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

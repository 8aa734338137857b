/**
 * The smoke profile end to end on real MNIST with the shipped evaluator:
 * every cell ends, every metric is written, and the results compare equal to
 * themselves. The suite's one real-data training run.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { main } from "../../src/cli/main.ts";
import { csvRecords, readCsv } from "../../src/results/csv.ts";
import { METRIC_NAMES } from "../../src/results/metric_columns.ts";

Deno.test("smoke profile: trains every cell on MNIST and writes every metric", async () => {
  const out = await Deno.makeTempDir({ prefix: "ganbench-smoke-" });
  assert.equal(
    await main([
      "bench",
      "--profile",
      "smoke",
      "--backend",
      "wasm",
      // One process, so that the run-level memory record spans every cell.
      "--jobs",
      "1",
      "--out",
      out,
    ]),
    0,
  );
  const summary = csvRecords(readCsv(join(out, "summary.csv")));
  assert.deepEqual(summary.map((r) => r.cell), [
    "mnist-mlp-ns-s0",
    "mnist-mlp-wgan-gp-s0",
    "mnist-dcgan-ns-s0",
    "mnist-dcgan-wgan-gp-s0",
  ]);
  for (const row of summary) {
    assert.equal(row.status, "finished", row.cell);
    assert.equal(row.evaluator, "ganbench-mnist-v2");
    for (const name of METRIC_NAMES) {
      // Label accuracy is for conditional variants: empty for mlp and dcgan.
      if (name === "label_acc") {
        assert.equal(row[name], "", `${row.cell}: label_acc`);
        continue;
      }
      const field = row[name];
      assert.ok(
        field !== undefined && field !== "" && Number.isFinite(Number(field)),
        `${row.cell}: ${name} = ${row[name]}`,
      );
    }
    // An untrained generator is far from the data: FID well above the floor.
    assert.ok(
      Number(row.fid) > Number(row.fid_floor),
      `${row.cell}: fid above fid_floor`,
    );
  }
  const manifest = JSON.parse(
    await Deno.readTextFile(join(out, "manifest.json")),
  );
  // Four cells in one process leave no tensors behind (RSS is recorded).
  assert.equal(manifest.memory.end.tensors, manifest.memory.start.tensors);
  assert.ok(manifest.memory.end.rssMiB > 0);
  assert.deepEqual(
    manifest.cells["mnist-dcgan-wgan-gp-s0"].model.substitutions,
    ["D BatchNorm → LayerNorm (gradient penalty)"],
  );
  // A run compared with itself passes the gate.
  assert.equal(
    await main([
      "compare",
      out,
      out,
      "--out",
      join(out, "compare.json"),
      "--quiet",
    ]),
    0,
  );
  await Deno.remove(out, { recursive: true });
});

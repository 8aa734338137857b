/**
 * The translation-smoke profile end to end (`bench --profile
 * translation-smoke`): every cell ends, the translation columns are written
 * (and the zoo's left empty), grids and checkpoints behave, and `compare` and
 * `report` read the run, knowing the directions of psnr, ssim, l1 and fid
 * and failing closed on a damaged value.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { main } from "../../src/cli/main.ts";
import { csvRecords, readCsv, writeCsvFile } from "../../src/results/csv.ts";
import {
  METRIC_NAMES,
  TRANSLATION_METRIC_NAMES,
} from "../../src/results/metric_columns.ts";
import { betterOf } from "../../src/results/columns.ts";

const CELLS = [
  "inpaint-mnist-pix2pix-l1-s0",
  "inpaint-mnist-pix2pix-l1-lsgan-s0",
  "colorize-cifar10-pix2pix-l1-s0",
  "colorize-cifar10-pix2pix-l1-lsgan-s0",
];

const finite = (v: string | undefined) =>
  v !== undefined && v !== "" && Number.isFinite(Number(v));

Deno.test("translation-smoke profile: trains every cell and writes the translation columns", async () => {
  const out = await Deno.makeTempDir({ prefix: "ganbench-tsmoke-" });
  const bench = [
    "bench",
    "--profile",
    "translation-smoke",
    "--backend",
    "wasm",
  ];
  assert.equal(await main([...bench, "--jobs", "1", "--out", out]), 0);
  const summary = csvRecords(readCsv(join(out, "summary.csv")));
  assert.deepEqual(summary.map((r) => r.cell), CELLS);
  for (const row of summary) {
    assert.equal(row.status, "finished", row.cell);
    assert.equal(row.step, "20");
    assert.equal(row.budget_unit, "g-steps");
    assert.equal(row.n_eval, "64");
    // 64 pairs are fewer than the evaluators' feature widths: no FID.
    for (const name of TRANSLATION_METRIC_NAMES) {
      if (name === "fid_trivial") assert.equal(row[name], "", row.cell);
      else assert.ok(finite(row[name]), `${row.cell}: ${name} = ${row[name]}`);
    }
    const gan = row.loss === "l1-lsgan";
    for (const name of METRIC_NAMES) {
      const kept = name === "g_loss" ||
        gan && ["d_real", "d_fake", "d_auc", "d_loss"].includes(name);
      assert.equal(finite(row[name]), kept, `${row.cell}: ${name}`);
    }
    assert.equal(row.d_steps, gan ? "20" : "0");
    // The trivial answer copies what the input shows: far ahead of 20 steps.
    assert.ok(Number(row.psnr_trivial) > Number(row.psnr), row.cell);
  }
  const mnist = summary.find((r) => r.dataset === "inpaint-mnist")!;
  assert.equal(mnist.evaluator, "ganbench-mnist-v2");
  assert.equal(summary[2].evaluator, "ganbench-cifar10-v2");
  // Trivial scores depend on the task only.
  assert.equal(summary[0].psnr_trivial, summary[1].psnr_trivial);
  const metrics = csvRecords(readCsv(join(out, "metrics.csv")));
  assert.deepEqual(metrics.map((r) => r.step), [
    "10",
    "20",
    "10",
    "20",
    "10",
    "20",
    "10",
    "20",
  ]);
  for (const cell of CELLS) {
    for (const step of [10, 20]) {
      const png = await Deno.stat(join(out, "grids", cell, `${step}.png`));
      assert.ok(png.size > 0);
    }
  }
  const manifest = JSON.parse(
    await Deno.readTextFile(join(out, "manifest.json")),
  );
  assert.equal(manifest.memory.end.tensors, manifest.memory.start.tensors);
  assert.equal(manifest.cells[CELLS[1]].config.l1Weight, 100);
  assert.equal(
    manifest.cells[CELLS[1]].model.discriminator.model,
    "patch-nlayer2",
  );
  // Finished cells leave no checkpoints; a rerun skips them.
  assert.deepEqual([...Deno.readDirSync(join(out, "checkpoints"))], []);
  assert.equal(await main([...bench, "--jobs", "1", "--out", out]), 0);
  assert.equal(readCsv(join(out, "metrics.csv")).rows.length, 8);

  assert.deepEqual(
    ["psnr", "ssim", "l1", "fid"].map(betterOf),
    ["higher", "higher", "lower", "lower"],
  );
  const compare = (b: string, extra: string[] = []) =>
    main([
      "compare",
      out,
      b,
      "--metrics",
      "psnr,ssim,l1,fid,d_auc",
      "--out",
      join(out, "compare.json"),
      "--quiet",
      ...extra,
    ]);
  assert.equal(await compare(out), 0);
  const result = JSON.parse(
    await Deno.readTextFile(join(out, "compare.json")),
  );
  assert.ok(JSON.stringify(result).includes("psnr"));
  assert.equal(await main(["report", out, "--formats", "md"]), 0);
  const report = await Deno.readTextFile(join(out, "report.md"));
  // Translation tasks get their own headline columns, directions marked.
  assert.ok(
    report.includes(
      "| variant | loss | seeds | PSNR (dB) ↑ | SSIM ↑ | L1 ↓ | FID ↓ | PSNR trivial (dB) | d_auc →0.5 | img/s ↑ |",
    ),
  );

  // A damaged value fails closed (exit 2); fid, empty on both sides, did not.
  const damaged = await Deno.makeTempDir({ prefix: "ganbench-tsmoke-bad-" });
  for (const f of ["manifest.json", "metrics.csv"]) {
    await Deno.copyFile(join(out, f), join(damaged, f));
  }
  const table = readCsv(join(out, "summary.csv"));
  const col = table.columns.indexOf("psnr");
  const rows = table.rows.map((r) => [...r]);
  rows[0][col] = "x12";
  writeCsvFile(join(damaged, "summary.csv"), table.columns, rows);
  assert.equal(await compare(damaged), 2);
  await Deno.remove(damaged, { recursive: true });
  await Deno.remove(out, { recursive: true });
});

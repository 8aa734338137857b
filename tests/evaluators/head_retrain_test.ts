/**
 * `trunkFrom` retrains only the head on a copied, frozen trunk (bit for bit
 * the source's); `calibrateFrom` only rescales the logits layer; both record
 * where the weights came from, and wrong sources are one-line errors.
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { assert } from "../_assert.ts";
import { trainTiny } from "../fixtures/evaluators/tiny_training.ts";
import { initBackend } from "../../src/backend/init.ts";
import { md5Hex } from "../../src/data/checksum.ts";
import { trainEvaluator } from "../../src/metrics/evaluators/train.ts";
import { defaultWeightsDir } from "../../src/metrics/evaluators/paths.ts";
import { loadSourceEvaluator } from "../../src/metrics/evaluators/source_model.ts";
import { resolveTrainSettings } from "../../src/metrics/evaluators/train_options.ts";

await initBackend("cpu");

/** A tiny training into `outDir`, under an id named after it. */
function train(
  extra: Parameters<typeof trainTiny>[0],
  outDir: string,
) {
  return trainTiny(
    { outDir, id: `test-${outDir.split("/").pop()}`, ...extra },
    outDir,
  );
}

/** Every weight of every layer, by layer name. */
async function weightsOf(dir: string): Promise<Map<string, Float32Array[]>> {
  const src = await loadSourceEvaluator(dir, "test");
  const out = new Map<string, Float32Array[]>();
  for (const layer of src.model.layers) {
    out.set(
      layer.name,
      layer.getWeights().map((w) => w.dataSync() as Float32Array),
    );
  }
  src.model.dispose();
  return out;
}

function digest(dir: string): string {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort()
    .map((n) => `${n}:${md5Hex(Deno.readFileSync(join(dir, n)))}`).join();
}

Deno.test("trainEvaluator trunkFrom: the trunk stays bit for bit the source's, only the head trains", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ganbench-head-" });
  try {
    const srcDir = join(tmp, "source");
    const source = await train({}, srcDir);
    const before = digest(srcDir);
    const headDir = join(tmp, "head");
    const head = await train(
      { architecture: "tiny-bn", trunkFrom: srcDir },
      headDir,
    );
    assert.equal(digest(srcDir), before, "source untouched");
    assert.deepEqual(head.trainedWith.trunkFrom, {
      id: source.id,
      weightsMd5: source.weightsMd5,
    });
    assert.equal(head.trainedWith.architecture, "tiny-bn");
    const a = await weightsOf(srcDir);
    const b = await weightsOf(headDir);
    for (
      const name of [
        "block1_conv1",
        "block1_conv1_bn",
        "block2_conv1",
        "block2_conv1_bn",
      ]
    ) {
      assert.deepEqual(
        b.get(name),
        a.get(name),
        `${name} copied unchanged (incl. BatchNorm running statistics)`,
      );
    }
    assert.ok(b.has("features_bn") && !a.has("features_bn"));
    assert.ok(
      head.calibration !== undefined && head.calibration.temperature > 0,
    );
    assert.equal(head.featureStats?.units, 16);
    // A trunk of other widths is refused, naming the layer.
    const wide = join(tmp, "wide");
    await assert.rejects(
      train({ architecture: "small-bn", trunkFrom: srcDir }, wide),
      /^Error: --trunk-from .*source: layer block1_conv1 weight 0 has shape \[3,3,1,4\], expected \[3,3,1,32\]$/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("trainEvaluator calibrateFrom: only the logits layer changes, by 1/T; calibrated or foreign sources are refused", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ganbench-calib-" });
  try {
    // The shipped synthetic evaluator predates calibration.
    const shipped = defaultWeightsDir("synthetic");
    const out = join(tmp, "calibrated");
    const manifest = await trainEvaluator({
      dataset: "synthetic",
      calibrateFrom: shipped,
      outDir: out,
      id: "test-calibrated",
      log: () => {},
      data: { cacheDir: tmp },
    });
    const source = JSON.parse(
      Deno.readTextFileSync(join(shipped, "manifest.json")),
    );
    assert.deepEqual(manifest.calibratedFrom, {
      id: source.id,
      weightsMd5: source.weightsMd5,
    });
    assert.deepEqual(manifest.trainedWith, source.trainedWith);
    assert.equal(
      manifest.testAccuracy,
      source.testAccuracy,
      "T changes no prediction",
    );
    const t = manifest.calibration!.temperature;
    const a = await weightsOf(shipped);
    const b = await weightsOf(out);
    for (const [name, ws] of a) {
      const scale = name === "logits" ? 1 / t : 1;
      ws.forEach((w, i) =>
        w.forEach((v, j) =>
          assert.ok(
            Math.abs(b.get(name)![i][j] - v * scale) <=
              1e-6 * (1 + Math.abs(v)),
            `${name}[${i}][${j}]`,
          )
        )
      );
    }
    await assert.rejects(
      trainEvaluator({
        dataset: "synthetic",
        calibrateFrom: out,
        outDir: join(tmp, "again"),
        id: "test-again",
        log: () => {},
        data: { cacheDir: tmp },
      }),
      /^Error: --calibrate-from .*calibrated: test-calibrated is calibrated already \(T = [\d.]+\)$/,
    );
    await assert.rejects(
      trainEvaluator({
        dataset: "synthetic",
        calibrateFrom: defaultWeightsDir("mnist"),
        outDir: join(tmp, "x"),
        id: "test-x",
        log: () => {},
        data: { cacheDir: tmp },
      }),
      /is a mnist evaluator, not synthetic$/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("loadSourceEvaluator: a directory without a manifest is a one-line error naming the flag", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ganbench-src-" });
  try {
    await assert.rejects(
      loadSourceEvaluator(tmp, "--trunk-from"),
      /^Error: --trunk-from .*: .*manifest\.json: not found \(expected an evaluator directory written by train-evaluator\)$/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  void tfl;
});

Deno.test("resolveTrainSettings: trunkFrom and calibrateFrom together are refused", () => {
  assert.throws(
    () =>
      resolveTrainSettings({
        dataset: "mnist",
        trunkFrom: "a",
        calibrateFrom: "b",
      }),
    /^Error: train-evaluator --trunk-from and --calibrate-from: give one/,
  );
  assert.equal(
    resolveTrainSettings({ dataset: "mnist", trunkFrom: "a" }).epochs,
    3,
  );
});

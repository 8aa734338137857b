/**
 * The generator weight average: known values after the first updates, the
 * warm-up schedule, BatchNorm statistics copied, a flat tensor count, and
 * errors for a bad decay or a mismatched copy.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertClose } from "../_assert.ts";
import { setupCpu } from "../models/_setup.ts";
import { getVariant } from "../../src/models/registry.ts";
import { GeneratorEma } from "../../src/train/ema.ts";

await setupCpu();

const shape = { height: 8, width: 8, channels: 1 };
function build(scope: string, widthMultiplier = 1 / 16) {
  const built = getVariant("mlp").build({
    shape,
    numClasses: 0,
    seed: 1,
    criticNorm: "none",
    scope,
    widthMultiplier,
  });
  built.discriminator.dispose();
  return built.generator;
}

Deno.test("gEma: ema ← d·ema + (1−d)·w with d = min(decay, (1+t)/(10+t)); BN statistics copied", async () => {
  const source = build("src/");
  const ema = new GeneratorEma(source, build("avg/"), 0.5);
  const trainable = new Set(source.trainableVariables);
  const first = source.variables.findIndex((v) => trainable.has(v));
  const moving = source.variables.findIndex((v) => !trainable.has(v));
  assert.ok(first >= 0 && moving >= 0, "mlp G has both kinds");

  const w0 = (await ema.generator.variables[first].data())[0];
  // Step 1: d = min(0.5, 2/11) = 2/11.
  source.variables[first].assign(tf.fill(source.variables[first].shape, 1));
  source.variables[moving].assign(tf.fill(source.variables[moving].shape, 7));
  ema.update(1);
  const d1 = 2 / 11;
  const w1 = d1 * w0 + (1 - d1) * 1;
  assertClose((await ema.generator.variables[first].data())[0], w1, 1e-6);
  assert.equal((await ema.generator.variables[moving].data())[0], 7);
  // Step 100: warmed up, d = decay = 0.5.
  source.variables[first].assign(tf.fill(source.variables[first].shape, 3));
  const before = tf.memory().numTensors;
  ema.update(100);
  assertClose(
    (await ema.generator.variables[first].data())[0],
    0.5 * w1 + 0.5 * 3,
    1e-6,
  );
  assert.equal(tf.memory().numTensors, before, "no tensors left by update");
  ema.dispose();
  source.dispose();
});

Deno.test("gEma: a bad decay or a copy of another architecture is refused", () => {
  const source = build("src2/");
  const other = build("other/", 1 / 8);
  assert.throws(
    () => new GeneratorEma(source, other, 0.999),
    /gEma: the copy's variables do not match the generator's/,
  );
  assert.throws(
    () => new GeneratorEma(source, other, 1),
    /gEma: decay must be in \(0, 1\), got 1/,
  );
  other.dispose();
  source.dispose();
});

Deno.test("gEma: refreshStatistics re-estimates BatchNorm statistics for the averaged weights, deterministically", async () => {
  const source = build("src3/");
  const ema = new GeneratorEma(source, build("avg3/"), 0.9);
  const trainable = new Set(source.trainableVariables);
  const moving = source.variables.findIndex((v) => !trainable.has(v));
  const read = async () =>
    Array.from(await ema.generator.variables[moving].data());
  const copied = await read();
  ema.refreshStatistics(0);
  const once = await read();
  assert.ok(once.some((v, i) => v !== copied[i]), "statistics changed");
  ema.copyFromSource();
  ema.refreshStatistics(0);
  assert.deepEqual(await read(), once, "same noise, same statistics");
  ema.dispose();
  source.dispose();
});

/**
 * Tests of src/report/thresholds.ts: parsing (`%`, `sd`, absolute, `off`),
 * the defaults, the breach rule of each unit, merging and thresholds files.
 */
import { join } from "node:path";
import { assert } from "../_assert.ts";
import {
  DEFAULT_THRESHOLDS,
  formatThreshold,
  isBreached,
  mergeThresholds,
  parseThreshold,
  parseThresholdList,
  readThresholdsFile,
  thresholdApplies,
  thresholdLimit,
} from "../../src/report/thresholds.ts";

const root = await Deno.makeTempDir({ prefix: "ganbench-thresholds-" });

Deno.test("thresholds: parsing, breach rule, merging", () => {
  assert.deepEqual(parseThreshold("fid:+5%"), {
    metric: "fid",
    sign: "+",
    value: 0.05,
    unit: "%",
    text: "fid:+5%",
  });
  assert.equal(parseThreshold("is_mean:3%").sign, "-", "worse = lower IS");
  assert.equal(parseThreshold("fid:2").sign, "+", "worse = higher FID");
  assert.equal(parseThreshold("ssim_div:0.1").sign, "±", "no direction");
  assert.equal(parseThreshold("eq_gap:+0.1").unit, "abs");
  assert.equal(parseThreshold("fid:+1e-1").value, 0.1);
  assert.throws(() => parseThreshold("fid"), /expected <metric>:/);
  assert.throws(() => parseThreshold("fid:+x%"), /threshold 'fid:\+x%'/);
  assert.equal(
    DEFAULT_THRESHOLDS.map((t) => `${t.metric}:${formatThreshold(t)}`).join(),
    "fid:+5%,kid_mean:+2sd,is_mean:-3%,eq_gap:+0.1",
  );
  const fid = parseThreshold("fid:+5%");
  assert.equal(isBreached(fid, 100, 5), false, "exactly at the limit");
  assert.equal(isBreached(fid, 100, 5.01), true);
  assert.equal(isBreached(fid, 100, -50), false);
  const is = parseThreshold("is_mean:-3%");
  assert.equal(isBreached(is, 2, -0.07), true);
  assert.equal(isBreached(is, 2, 0.5), false);
  assert.equal(isBreached(parseThreshold("x:±1"), 0, -1.5), true);
  const merged = mergeThresholds(
    DEFAULT_THRESHOLDS,
    parseThresholdList("fid:+2, kid_mean:off,psnr_nn:-1"),
  );
  assert.deepEqual(merged.map((t) => t.text), [
    "fid:+2",
    "is_mean:-3%",
    "eq_gap:+0.1",
    "psnr_nn:-1",
  ]);
});

Deno.test("thresholds file: malformed files are one-line errors", async () => {
  const file = join(root, "bad.json");
  await Deno.writeTextFile(file, "[1]");
  await assert.rejects(readThresholdsFile(file), /expected a JSON object/);
  await Deno.writeTextFile(file, '{"fid": true}');
  await assert.rejects(readThresholdsFile(file), /fid: expected a string/);
  await Deno.writeTextFile(
    file,
    '{"fid": "+5%", "eq_gap": 0.2, "kid_mean": "+2.5sd"}',
  );
  const t = await readThresholdsFile(file);
  assert.deepEqual(t.map((x) => [x.metric, x.sign, x.value, x.unit]), [
    ["fid", "+", 0.05, "%"],
    ["eq_gap", "+", 0.2, "abs"],
    ["kid_mean", "+", 2.5, "sd"],
  ]);
});

Deno.test("thresholds: the sd unit (multiples of the baseline's seed std)", () => {
  assert.deepEqual(parseThreshold("kid_mean:+2sd"), {
    metric: "kid_mean",
    sign: "+",
    value: 2,
    unit: "sd",
    text: "kid_mean:+2sd",
  });
  assert.equal(parseThreshold("kid_mean: 1.5 SD").value, 1.5);
  assert.equal(parseThreshold("kid_mean:2sd").sign, "+", "worse = higher KID");
  assert.equal(parseThreshold("is_mean:-0.5sd").sign, "-");
  assert.equal(formatThreshold(parseThreshold("kid_mean:+2sd")), "+2sd");
  assert.throws(() => parseThreshold("kid_mean:+2s"), /expected .*\[%\|sd\]/);
  assert.throws(() => parseThreshold("kid_mean:+sd"), /kid_mean:\+sd/);

  const kid = parseThreshold("kid_mean:+2sd");
  // Baseline KID 0.001 ± 0.002 (near 0: +10% of it would be 0.0001).
  assert.equal(isBreached(kid, 0.001, 0.0041, 0.002), true);
  assert.equal(isBreached(kid, 0.001, 0.004, 0.002), false, "at the limit");
  assert.equal(isBreached(kid, 0.001, -0.01, 0.002), false, "improvement");
  assert.equal(isBreached(kid, 0.001, 0.1, NaN), false, "one baseline seed");
  assert.equal(isBreached(kid, 0.001, 1e-9, 0), true, "std 0: any worsening");
  assert.equal(isBreached(kid, 0.001, 0, 0), false);
  const two = parseThreshold("ssim_div:±1sd");
  assert.equal(isBreached(two, 0.2, -0.031, 0.03), true);
  assert.equal(thresholdApplies(kid, 1), false);
  assert.equal(thresholdApplies(kid, 2), true);
  assert.equal(thresholdApplies(parseThreshold("fid:+5%"), 1), true);
  assert.equal(thresholdLimit(kid, { mean: 0.001, std: 0.002 }), 0.004);
  assert.ok(Number.isNaN(thresholdLimit(kid, { mean: 0.001, std: NaN })));
  assert.equal(
    thresholdLimit(parseThreshold("fid:+5%"), { mean: 80, std: 3 }),
    4,
  );
  assert.equal(
    thresholdLimit(parseThreshold("eq_gap:+0.1"), { mean: 0.4, std: 1 }),
    0.1,
  );
});

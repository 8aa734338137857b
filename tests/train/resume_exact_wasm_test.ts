import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import { initBackend } from "../../src/backend/init.ts";
import { loadSynthetic } from "../../src/data/synthetic.ts";
import { assertResumeExact, RESUME_SCHEDULE } from "./_resume.ts";

await initBackend("wasm");
const data = loadSynthetic({ size: 16, trainCount: 128, testCount: 16 });

Deno.test("resume on wasm: Adam with BatchNorm, dropout and the G average, and the wgan-gp critic, are bit-exact", async () => {
  assert.equal(tf.getBackend(), "wasm");
  const dir = await Deno.makeTempDir();
  await assertResumeExact(data, {
    variant: "cgan",
    loss: "ns",
    config: { ...RESUME_SCHEDULE, gEma: 0.99 },
  }, dir);
  await assertResumeExact(data, {
    variant: "mlp",
    loss: "wgan-gp",
    config: { ...RESUME_SCHEDULE, nCritic: 2 },
  }, dir);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resume on wasm: the RMSProp critic with clipping (wgan) is bit-exact", async () => {
  const dir = await Deno.makeTempDir();
  await assertResumeExact(data, {
    variant: "mlp",
    loss: "wgan",
    config: { ...RESUME_SCHEDULE, nCritic: 2 },
  }, dir);
  await Deno.remove(dir, { recursive: true });
});

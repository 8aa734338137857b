/**
 * Feature-extraction speed of the FID Inception-v3 (formula weights: the
 * speed does not depend on the values) on one TF.js backend: images/s by wall
 * clock and per CPU-second of this process (steadier on a shared machine).
 * The PyTorch figures for the same network and batch come from
 * `tests/fixtures/inception/make_inception_fixtures.py` (last lines).
 *
 * `deno run --allow-read --allow-env --allow-sys --allow-ffi benchmarks/inception_speed.ts [wasm|cpu] [batch=16] [reps=2]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import process from "node:process";
import { initBackend } from "../src/backend/init.ts";
import { formulaStateDict } from "../src/metrics/evaluators/inception/formula_weights.ts";
import { createInceptionEvaluator } from "../src/metrics/evaluators/inception/evaluator.ts";

/** One measurement. */
export interface InceptionSpeed {
  /** Images per forward pass. */
  batch: number;
  /** Best wall-clock images/s over the repetitions. */
  imagesPerSecond: number;
  /** Best images per CPU-second of this process. */
  imagesPerCpuSecond: number;
}

/**
 * Times pool3 extraction of 32×32 RGB batches (resized to 299×299) on the
 * current backend, after one warm-up image.
 *
 * @param batch Images per pass.
 * @param reps Timed passes (the best counts).
 * @returns The speeds.
 * @example
 * ```ts ignore
 * const { imagesPerSecond } = await measureInceptionSpeed(16, 2);
 * ```
 */
export async function measureInceptionSpeed(
  batch: number,
  reps: number,
): Promise<InceptionSpeed> {
  const ev = createInceptionEvaluator(formulaStateDict(), {
    convention: "pytorch",
    weightsMd5: "formula",
    batchSize: batch,
  });
  const x = tf.randomUniform([batch, 32, 32, 3], -1, 1) as tf.Tensor4D;
  try {
    tf.tidy(() => ev.features(tf.slice(x, 0, 1)));
    let wall = Infinity, cpu = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const f = ev.features(x);
      await f.data();
      f.dispose();
      const c = process.cpuUsage(c0);
      wall = Math.min(wall, (performance.now() - t0) / 1000);
      cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    }
    return {
      batch,
      imagesPerSecond: batch / wall,
      imagesPerCpuSecond: batch / cpu,
    };
  } finally {
    x.dispose();
    ev.dispose();
  }
}

if (import.meta.main) {
  const backend = (Deno.args[0] ?? "wasm") as "wasm" | "cpu";
  const batch = Number(Deno.args[1] ?? 16);
  const reps = Number(Deno.args[2] ?? 2);
  await initBackend(backend);
  const s = await measureInceptionSpeed(batch, reps);
  console.log(
    `Inception-v3 pool3, ${backend}, batch ${batch}: ${
      s.imagesPerSecond.toFixed(3)
    } images/s, ${s.imagesPerCpuSecond.toFixed(3)} images/CPU-s (load average ${
      Deno.loadavg()[0].toFixed(1)
    })`,
  );
}

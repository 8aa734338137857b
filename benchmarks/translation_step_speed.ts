/**
 * Speed of one pix2pix training step (`l1+lsgan`: G update with
 * λ·L1 + LSGAN, then D update) of the full-width 32×32 U-Net and the n = 2
 * PatchGAN, 1 → 3 channels, batch 16, on one TF.js backend: images/s by wall
 * clock and per CPU-second of this process (steadier on a shared machine).
 * The PyTorch figure for the same networks and step comes from
 * `python3 benchmarks/torch_peer.py --unet` (one thread).
 *
 * `deno run --allow-read --allow-env --allow-sys --allow-ffi benchmarks/translation_step_speed.ts [wasm|cpu] [batch=16] [steps=8]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import process from "node:process";
import { initBackend } from "../src/backend/init.ts";
import { buildUnet } from "../src/models/translation/unet.ts";
import { buildPatchDiscriminator } from "../src/models/translation/patch_discriminator.ts";
import { createTranslationStep } from "../src/train/translation_step.ts";

/** One measurement. */
export interface TranslationStepSpeed {
  /** Pairs per step. */
  batch: number;
  /** Median wall-clock milliseconds per step. */
  stepMs: number;
  /** Pairs per second by the median wall-clock step. */
  imagesPerSecond: number;
  /** Pairs per CPU-second of this process over the timed steps. */
  imagesPerCpuSecond: number;
}

/**
 * Times `steps` steps on the current backend after `warmup` warm-up steps.
 * `deno task perf` calls it for its pix2pix table.
 *
 * @param batch Pairs per step.
 * @param steps Timed steps.
 * @param warmup Untimed steps first (kernels compiled, memory grown).
 * @returns The speeds.
 * @example
 * ```ts ignore
 * const { imagesPerSecond } = measureTranslationStep(16, 8);
 * ```
 */
export function measureTranslationStep(
  batch: number,
  steps: number,
  warmup = 2,
): TranslationStepSpeed {
  const generator = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 3,
    seed: 0,
  });
  const discriminator = buildPatchDiscriminator({
    size: 32,
    inputChannels: 1,
    imageChannels: 3,
    seed: 0,
  });
  const t = createTranslationStep({
    generator,
    discriminator,
    objective: "l1-lsgan",
    seed: 0,
  });
  const x = tf.randomUniform([batch, 32, 32, 1], -1, 1) as tf.Tensor4D;
  const y = tf.randomUniform([batch, 32, 32, 3], -1, 1) as tf.Tensor4D;
  const once = (i: number) => {
    const r = t.step(x, y, i);
    // Reading the losses waits for the step (and keeps GPU backends honest).
    const all = [r.dLoss!, r.gGan!, r.gL1];
    tf.stack(all).dataSync();
    tf.dispose(all);
  };
  try {
    for (let i = 0; i < warmup; i++) once(i);
    const times: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      once(100 + i);
      times.push(performance.now() - t0);
    }
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    times.sort((a, b) => a - b);
    const stepMs = times[Math.floor(times.length / 2)];
    return {
      batch,
      stepMs,
      imagesPerSecond: batch / stepMs * 1000,
      imagesPerCpuSecond: batch * steps / cpuS,
    };
  } finally {
    tf.dispose([x, y]);
    t.dispose();
    generator.dispose();
    discriminator.dispose();
  }
}

if (import.meta.main) {
  const backend = (Deno.args[0] ?? "wasm") as "wasm" | "cpu";
  const batch = Number(Deno.args[1] ?? 16);
  const steps = Number(Deno.args[2] ?? 8);
  await initBackend(backend);
  const r = measureTranslationStep(batch, steps);
  console.log(JSON.stringify({
    model: "unet32+patch-nlayer2",
    objective: "l1-lsgan",
    backend,
    batch_size: r.batch,
    step_ms: Math.round(r.stepMs * 10) / 10,
    images_per_s: Math.round(r.imagesPerSecond * 10) / 10,
    images_per_cpu_s: Math.round(r.imagesPerCpuSecond * 10) / 10,
    load_average: Deno.loadavg().map((v) => Math.round(v * 100) / 100),
  }));
}

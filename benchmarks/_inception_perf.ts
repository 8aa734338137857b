/**
 * The FID Inception-v3 table of `deno task perf`: pool3 feature extraction
 * images/s on wasm beside PyTorch on one CPU thread (same network, batch 16,
 * target ≥ 0.5×), and FID at d = 2048 from 10,000 × 10,000 features,
 * statistics and trace term (target ≤ 10 s).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend/init.ts";
import { featureStats, fidFromStats } from "../src/metrics/fid.ts";
import { measureInceptionSpeed } from "./inception_speed.ts";
import { runTorchPeer } from "./_torch_peer.ts";

/** Images/s of the FID Inception-v3 in the PyTorch peer (one thread), or why not. */
async function torchInceptionSpeed(batch: number): Promise<number | string> {
  const rows = await runTorchPeer([
    "--inception",
    "--batch",
    `${batch}`,
    "--threads",
    "1",
  ]);
  if (typeof rows === "string") return rows;
  const speed = rows[0]?.images_per_s;
  return typeof speed === "number" ? speed : "no row from torch_peer.py";
}

/**
 * The FID Inception-v3 rows: pool3 images/s on wasm against PyTorch on one
 * CPU thread (batch 16), and FID at d = 2048 from 10,000 × 10,000 seeded
 * Gaussian features (statistics of both sets + trace term).
 *
 * @param torch Whether to run the PyTorch peer.
 * @returns A title line and a Markdown table.
 * @example
 * ```ts ignore
 * console.log(await measureInception(true));
 * ```
 */
export async function measureInception(torch: boolean): Promise<string> {
  await initBackend("wasm");
  const batch = 16;
  const ours = await measureInceptionSpeed(batch, 2);
  const peer = torch ? await torchInceptionSpeed(batch) : "--torch off";
  const a = tf.randomNormal([10000, 2048], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal(
    [10000, 2048],
    0.1,
    1.1,
    "float32",
    2,
  ) as tf.Tensor2D;
  const t0 = performance.now();
  const sa = await featureStats(a);
  const sb = await featureStats(b);
  const t1 = performance.now();
  fidFromStats(sa, sb);
  const t2 = performance.now();
  tf.dispose([a, b]);
  const stats = (t1 - t0) / 1000, trace = (t2 - t1) / 1000;
  const ratio = typeof peer === "number" ? ours.imagesPerSecond / peer : NaN;
  return [
    `FID Inception-v3 (load average ${Deno.loadavg()[0].toFixed(1)})`,
    "",
    "| measurement | ganbench (wasm) | PyTorch CPU, 1 thread | ratio | target |",
    "|---|---:|---:|---:|---|",
    `| pool3 features, batch ${batch}, images/s | ${
      ours.imagesPerSecond.toFixed(2)
    } | ${typeof peer === "number" ? peer.toFixed(2) : `— (${peer})`} | ${
      Number.isNaN(ratio) ? "—" : `${ratio.toFixed(2)}×`
    } | ≥ 0.5× ${
      Number.isNaN(ratio) ? "" : ratio >= 0.5 ? "(met)" : "(NOT met)"
    } |`,
    `| FID d = 2048, N = 10,000 per set: statistics + trace, s | ${
      stats.toFixed(1)
    } + ${trace.toFixed(1)} = ${(stats + trace).toFixed(1)} | — | — | ≤ 10 s ${
      stats + trace <= 10 ? "(met)" : "(NOT met)"
    } |`,
  ].join("\n");
}

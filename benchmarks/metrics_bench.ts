/**
 * Metric performance benchmark (prints a table; not a test).
 *
 *   deno run -A benchmarks/metrics_bench.ts [--backend=cpu|wasm|…] [--skip-2048]
 *
 * Cases: FID at d = 512 (N = 1024 per set) and d = 2048 (N = 4096 per set,
 * i.e. N = 2d), each split into statistics (download + float64 covariance
 * of both sets) and fidFromStats; SSIM of 1000 pairs of 32×32×3 images;
 * nearest neighbours of 1000 fakes among 10,000 reals (28×28×1 and
 * 32×32×3). Non-cpu backends go through src/backend/init.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  featureStats,
  fidFromStats,
  nearestNeighbours,
  ssim,
} from "../src/metrics/mod.ts";

const args = new Map(
  Deno.args.map((a) => a.replace(/^--/, "").split("=") as [string, string]),
);
const backend = args.get("backend") ?? "cpu";
if (backend === "cpu") {
  await tf.setBackend("cpu");
} else {
  const path = "../src/backend/init.ts";
  await (await import(path)).initBackend(backend);
}
await tf.ready();

const rows: Array<[string, string, number]> = [];
async function time(name: string, detail: string, fn: () => Promise<unknown>) {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  rows.push([name, detail, s]);
  console.log(`${name.padEnd(28)} ${detail.padEnd(34)} ${s.toFixed(2)} s`);
}

async function fidCase(d: number, n: number) {
  const a = tf.randomNormal([n, d], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([n, d], 0.1, 1.1, "float32", 2) as tf.Tensor2D;
  let sa!: Awaited<ReturnType<typeof featureStats>>;
  let sb!: Awaited<ReturnType<typeof featureStats>>;
  await time(`fid stats d=${d}`, `2 sets × N=${n}`, async () => {
    sa = await featureStats(a);
    sb = await featureStats(b);
  });
  await time(
    `fidFromStats d=${d}`,
    "auto (Cholesky path)",
    () => Promise.resolve(fidFromStats(sa, sb)),
  );
  if (d <= 512) {
    await time(
      `fidFromStats d=${d}`,
      "eigen path (tred2/tql2 + vectors)",
      () => Promise.resolve(fidFromStats(sa, sb, { method: "eigen" })),
    );
  }
  tf.dispose([a, b]);
}

await fidCase(512, 1024);
if (!args.has("skip-2048")) await fidCase(2048, 4096);

{
  const a = tf.randomUniform(
    [1000, 32, 32, 3],
    0,
    1,
    "float32",
    3,
  ) as tf.Tensor4D;
  const b = tf.randomUniform(
    [1000, 32, 32, 3],
    0,
    1,
    "float32",
    4,
  ) as tf.Tensor4D;
  await ssim(a, b, { batchSize: 8 }); // warm-up (kernels, allocations)
  await time("ssim", "1000 pairs 32×32×3", () => ssim(a, b));
  tf.dispose([a, b]);
}
for (const [h, w, c] of [[28, 28, 1], [32, 32, 3]]) {
  const fakes = tf.randomUniform([1000, h, w, c], 0, 1, "float32", 5);
  const reals = tf.randomUniform([10000, h, w, c], 0, 1, "float32", 6);
  await time(
    "nearestNeighbours",
    `1000 × 10,000 of ${h}×${w}×${c}`,
    () => nearestNeighbours(fakes, reals),
  );
  tf.dispose([fakes, reals]);
}

console.log(`\nbackend: ${tf.getBackend()}, Deno ${Deno.version.deno}`);
console.log("| case | size | seconds |\n|---|---|---|");
for (const [name, detail, s] of rows) {
  console.log(`| ${name} | ${detail} | ${s.toFixed(2)} |`);
}

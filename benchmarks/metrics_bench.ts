/**
 * Metric performance benchmark (prints a table; not a test).
 *
 *   deno run -A benchmarks/metrics_bench.ts [--backend=cpu|wasm|…] [--skip-2048]
 *     [--fid-only] [--threads=k]
 *
 * Cases: FID at d = 512 (N = 1024 per set) and d = 2048 (N = 10,000 per
 * set, the Inception-v3 evaluation size; target ≤ 10 s for statistics +
 * trace), each split into statistics (download + float64 covariance of both
 * sets, on up to 4 threads) and fidFromStats (the trace term); SSIM of 1000
 * pairs of 32×32×3 images; nearest neighbours of 1000 fakes among 10,000
 * reals (28×28×1 and 32×32×3). Non-cpu backends go through
 * src/backend/init.ts. `--fid-only` stops after the FID cases; `--threads=k`
 * sets featureStats' thread count (default: automatic).
 *
 * @module
 */
import process from "node:process";
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

const threadsArg = args.get("threads");
const statsOptions = threadsArg ? { threads: Number(threadsArg) } : {};

const rows: Array<[string, string, number]> = [];
async function time(name: string, detail: string, fn: () => Promise<unknown>) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  rows.push([name, detail, s]);
  // CPU seconds of all threads: tells a loaded machine from a slow kernel.
  const cpu = (c.user + c.system) / 1e6;
  console.log(
    `${name.padEnd(28)} ${detail.padEnd(34)} ${s.toFixed(2)} s (cpu ${
      cpu.toFixed(2)
    } s)`,
  );
}

async function fidCase(d: number, n: number, targetS?: number) {
  const a = tf.randomNormal([n, d], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([n, d], 0.1, 1.1, "float32", 2) as tf.Tensor2D;
  let sa!: Awaited<ReturnType<typeof featureStats>>;
  let sb!: Awaited<ReturnType<typeof featureStats>>;
  const start = rows.length;
  await time(`fid stats d=${d}`, `2 sets × N=${n}`, async () => {
    sa = await featureStats(a, statsOptions);
    sb = await featureStats(b, statsOptions);
  });
  let value = 0;
  await time(
    `fidFromStats d=${d}`,
    "auto (Cholesky path): trace term",
    () => Promise.resolve(value = fidFromStats(sa, sb)),
  );
  const total = rows[start][2] + rows[start + 1][2];
  const verdict = targetS === undefined
    ? ""
    : ` (target ≤ ${targetS} s: ${total <= targetS ? "met" : "NOT met"})`;
  rows.push([`fid total d=${d}`, `N=${n}: stats + trace${verdict}`, total]);
  console.log(
    `fid d=${d} N=${n} = ${value}, stats + trace ${
      total.toFixed(2)
    } s${verdict}`,
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
if (!args.has("skip-2048")) await fidCase(2048, 10000, 10);
if (args.has("fid-only")) {
  printTable();
  Deno.exit(0);
}

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

printTable();

function printTable() {
  const cores = navigator.hardwareConcurrency;
  console.log(
    `\nbackend: ${tf.getBackend()}, Deno ${Deno.version.deno}, ${cores} cores`,
  );
  console.log("| case | size | seconds |\n|---|---|---|");
  for (const [name, detail, s] of rows) {
    console.log(`| ${name} | ${detail} | ${s.toFixed(2)} |`);
  }
}

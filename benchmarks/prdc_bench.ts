/**
 * Cost of precision/recall/density/coverage at evaluation sizes (prints a
 * table; not a test): N real vs M fake features of dimension d, split into
 * the real side (`prdcReal`, once per run: N² d) and one interval
 * (`prdc` against the prepared real set: M² d + N M d).
 *
 *   deno run -A benchmarks/prdc_bench.ts [--backend=wasm|cpu|…] [--n=10000]
 *     [--m=2000] [--d=128,2048]
 *
 * Features are seeded Gaussians passed through a ReLU (evaluator features
 * are post-ReLU); the fakes are shifted by 0.1 so the sets differ.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { prdc, prdcReal } from "../src/metrics/prdc.ts";

const args = new Map(
  Deno.args.map((a) => a.replace(/^--/, "").split("=") as [string, string]),
);
const backend = args.get("backend") ?? "wasm";
if (backend === "cpu") {
  await tf.setBackend("cpu");
} else {
  const path = "../src/backend/init.ts";
  await (await import(path)).initBackend(backend);
}
await tf.ready();
const n = Number(args.get("n") ?? 10000);
const m = Number(args.get("m") ?? 2000);
const dims = (args.get("d") ?? "128,2048").split(",").map(Number);

console.log(`backend ${tf.getBackend()}, N = ${n} real, M = ${m} fake`);
console.log(
  "| d | prdcReal s | prdc s (one interval) | rechecked | P / R / D / C |",
);
console.log("|---|---|---|---|---|");
for (const d of dims) {
  const real = tf.tidy(() =>
    tf.relu(tf.randomNormal([n, d], 0, 1, "float32", 1))
  ) as tf.Tensor2D;
  const fake = tf.tidy(() =>
    tf.relu(tf.randomNormal([m, d], 0.1, 1, "float32", 2))
  ) as tf.Tensor2D;
  let t = performance.now();
  const prepared = await prdcReal(real);
  const tReal = (performance.now() - t) / 1000;
  t = performance.now();
  const r = await prdc(prepared, fake);
  const tFake = (performance.now() - t) / 1000;
  console.log(
    `| ${d} | ${tReal.toFixed(1)} | ${tFake.toFixed(1)} | ${r.rechecked} | ${
      [r.precision, r.recall, r.density, r.coverage].map((v) => v.toFixed(3))
        .join(" / ")
    } |`,
  );
  tf.dispose([real, fake]);
}

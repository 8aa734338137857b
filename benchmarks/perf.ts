/**
 * Training-step throughput of `mlp` and `dcgan` on every available backend.
 *
 * For each variant × data-set shape × backend: builds the models (loss `ns`,
 * n_critic 1), runs warm-up steps, then times full training steps (n_critic
 * D steps + one G step, batch 64) on random data of the data set's shape
 * (MNIST 28×28×1 — `dcgan` trains on the 2-px padded 32×32×1 — and
 * CIFAR-10 32×32×3), each step ending with its loss values on the host.
 * Reports the median step time, images/s (D and G images:
 * batch × (n_critic + 1) per step) and the peak resident set size sampled
 * after every step. Writes a CSV (`--out`) and prints a Markdown table.
 *
 * Optional peer comparison: when `python3` can import `torch` (Debian's
 * `python3-torch`), `benchmarks/torch_peer.py` trains the same steps in
 * PyTorch and its rows (backend `torch-cpu`) are added.
 *
 * Then (when `--variants` includes `pix2pix`, as it does by default) the
 * pix2pix rows: pairs/s of the `l1-lsgan` translation step of the 32×32 U-Net
 * and the n = 2 PatchGAN (1 → 3 channels, batch 16 whatever `--batch` says,
 * `benchmarks/translation_step_speed.ts`) on each backend, beside the same
 * step in PyTorch on one CPU thread (`torch_peer.py --unet`, target ≥ 0.8×).
 *
 * Then (unless `--inception off`) the FID Inception-v3 rows: pool3
 * feature extraction images/s on wasm beside PyTorch on one CPU thread (same
 * network, batch 16, target ≥ 0.5×), and FID at d = 2048 from 10,000 ×
 * 10,000 features, statistics and trace term (target ≤ 10 s).
 *
 * Usage:
 * `deno task perf [--variants mlp,dcgan,pix2pix] [--datasets mnist,cifar10] [--backends cpu,wasm,webgpu] [--steps 10] [--warmup 2] [--batch 64] [--out results/perf.csv] [--torch auto|off] [--inception auto|off]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type FlagSpecs, parseFlags, UsageError } from "../src/cli/_args.ts";
import { initBackend } from "../src/backend/init.ts";
import type { ImageShape } from "../src/models/types.ts";
import { createStepHarness } from "./profile_step.ts";
import { loadDataset } from "../src/data/registry.ts";
import { DEFAULT_CACHE_DIR } from "../src/data/types.ts";
import { loadEvaluator } from "../src/metrics/evaluators/load.ts";
import { EvaluationSuite } from "../src/evaluation/suite.ts";
import { getVariant } from "../src/models/registry.ts";
import { trainingShape } from "../src/train/real_batch.ts";
import { evaluationSizes } from "../src/matrix/cell_settings.ts";
import { BUILTIN_CONFIG } from "../src/spec/defaults.ts";
import { errorText } from "../src/util/errors.ts";
import { runTorchPeer } from "./_torch_peer.ts";
import { measureInception } from "./_inception_perf.ts";
import { measurePix2pix } from "./_pix2pix_perf.ts";

/** One measured cell. */
export interface PerfRow {
  /** Variant id. */
  variant: string;
  /** Data set whose shape was used. */
  dataset: string;
  /** Backend name. */
  backend: string;
  /** Batch size. */
  batch_size: number;
  /** Median step time (ms). */
  step_ms: number;
  /** Images per second (D and G). */
  images_per_s: number;
  /** Timed steps. */
  steps: number;
  /** Peak resident set size (MiB) sampled during the cell. */
  peak_rss_mib: number;
  /** Training shape H×W×C. */
  shape: string;
}

const DATASET_SHAPES: Record<string, ImageShape> = {
  mnist: { height: 28, width: 28, channels: 1 },
  cifar10: { height: 32, width: 32, channels: 3 },
};

/**
 * The shape a variant trains on for a data set (DCGAN family: padded to 32×32).
 *
 * @param variant Variant id.
 * @param dataset Data set id.
 * @returns The training shape.
 */
export function perfShape(variant: string, dataset: string): ImageShape {
  const s = DATASET_SHAPES[dataset];
  return variant === "mlp"
    ? s
    : { height: 32, width: 32, channels: s.channels };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const mib = () => Deno.memoryUsage().rss / 2 ** 20;

/**
 * Measures one cell on the current backend.
 *
 * @param variant Variant id.
 * @param dataset Data set id (its shape).
 * @param opts Steps, warm-up steps, batch size.
 * @returns The row.
 */
export async function measureCell(
  variant: string,
  dataset: string,
  opts: { steps: number; warmup: number; batch: number },
): Promise<PerfRow> {
  const shape = perfShape(variant, dataset);
  const harness = createStepHarness({
    variant,
    loss: "ns",
    shape,
    batchSize: opts.batch,
  });
  let peak = mib();
  try {
    for (let i = 0; i < opts.warmup; i++) await harness.run(i);
    const times: number[] = [];
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      await harness.run(1000 + i);
      times.push(performance.now() - t0);
      peak = Math.max(peak, mib());
    }
    const stepMs = median(times);
    return {
      variant,
      dataset,
      backend: tf.getBackend(),
      batch_size: opts.batch,
      step_ms: Math.round(stepMs * 10) / 10,
      images_per_s: Math.round(harness.imagesPerStep / stepMs * 1000 * 10) /
        10,
      steps: opts.steps,
      peak_rss_mib: Math.round(peak),
      shape: `${shape.height}x${shape.width}x${shape.channels}`,
    };
  } finally {
    harness.dispose();
  }
}

const COLUMNS: (keyof PerfRow)[] = [
  "variant",
  "dataset",
  "backend",
  "batch_size",
  "step_ms",
  "images_per_s",
  "steps",
  "peak_rss_mib",
  "shape",
];

/**
 * Rows as CSV text (header + one line per row).
 *
 * @param rows The rows.
 * @returns CSV text ending in a newline.
 */
export function toCsv(rows: PerfRow[]): string {
  return [
    COLUMNS.join(","),
    ...rows.map((r) => COLUMNS.map((c) => r[c]).join(",")),
  ]
    .join("\n") + "\n";
}

/**
 * Rows as a Markdown table.
 *
 * @param rows The rows.
 * @returns The table.
 */
export function toMarkdown(rows: PerfRow[]): string {
  return [
    `| ${COLUMNS.join(" | ")} |`,
    `|${COLUMNS.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${COLUMNS.map((c) => r[c]).join(" | ")} |`),
  ].join("\n");
}

async function torchRows(
  variants: string[],
  datasets: string[],
  opts: { steps: number; warmup: number; batch: number },
): Promise<PerfRow[]> {
  const rows = await runTorchPeer([
    "--variants",
    variants.join(","),
    "--datasets",
    datasets.join(","),
    "--steps",
    String(opts.steps),
    "--warmup",
    String(opts.warmup),
    "--batch",
    String(opts.batch),
  ]);
  if (typeof rows !== "string") return rows as unknown as PerfRow[];
  console.error(`perf: torch peer skipped (${rows})`);
  return [];
}

/**
 * Times one evaluation interval on MNIST (the sizes of docs/metrics.md#evaluation-sizes, N = `n`) for
 * untrained mlp and dcgan models, phase by phase, after one warm-up
 * evaluation. The real-data side (`prepare`) is timed separately: it runs
 * once per run, not per interval.
 */
async function measureEvaluation(n: number): Promise<string> {
  const dataset = await loadDataset("mnist");
  const evaluator = await loadEvaluator("mnist");
  const started = performance.now();
  // The evaluation sizes of a cell that sets none but N (BUILTIN_CONFIG).
  const sizes = evaluationSizes({ config: { ...BUILTIN_CONFIG, nEval: n } });
  // The run's cache (test and train features), as bench uses it.
  const suite = await EvaluationSuite.prepare(
    dataset,
    evaluator,
    sizes,
    `${DEFAULT_CACHE_DIR}/features`,
  );
  const prepare = (performance.now() - started) / 1000;
  const timed: Array<[string, Record<string, number>]> = [];
  for (const id of ["mlp", "dcgan"]) {
    const variant = getVariant(id);
    const shape = trainingShape(variant, dataset);
    const { generator, discriminator } = variant.build({
      shape,
      numClasses: 10,
      seed: 0,
      criticNorm: variant.defaultCriticNorm,
      scope: `perf-eval-${id}/`,
    });
    const models = {
      step: 1,
      generator,
      discriminator,
      trainShape: shape,
      conditional: false,
      loss: "ns" as const,
      dLoss: 1.4,
    };
    await suite.evaluate(models);
    const t: Record<string, number> = {};
    await suite.evaluate(models, t);
    timed.push([id, t]);
    generator.dispose();
    discriminator.dispose();
  }
  suite.dispose();
  evaluator.dispose();
  // Every phase the suite timed, in the order it ran.
  const phases = [...new Set(timed.flatMap(([, t]) => Object.keys(t)))];
  const lines = [
    `Evaluation interval on MNIST, N = ${n} (backend ${tf.getBackend()}; real-data preparation once per run: ${
      prepare.toFixed(1)
    } s)`,
    "",
    `| variant | ${phases.join(" | ")} | total s |`,
    `|---|${phases.map(() => "---:|").join("")}---:|`,
  ];
  for (const [id, t] of timed) {
    const total = phases.reduce((a, p) => a + (t[p] ?? 0), 0);
    lines.push(
      `| ${id} | ${phases.map((p) => (t[p] ?? 0).toFixed(2)).join(" | ")} | ${
        total.toFixed(1)
      } |`,
    );
  }
  return lines.join("\n");
}

const FLAGS = {
  variants: {
    type: "list",
    choices: ["mlp", "dcgan", "pix2pix"],
    default: ["mlp", "dcgan", "pix2pix"],
    description: "variants to time (pix2pix: the translation step)",
  },
  datasets: {
    type: "list",
    choices: ["mnist", "cifar10"],
    default: ["mnist", "cifar10"],
    description: "data-set shapes (random data of that shape)",
  },
  backends: {
    type: "list",
    choices: ["cpu", "wasm", "webgpu"],
    default: ["cpu", "wasm", "webgpu"],
    description: "backends (unavailable ones are skipped with a note)",
  },
  steps: {
    type: "integer",
    min: 1,
    default: 10,
    description: "timed steps (median)",
  },
  warmup: {
    type: "integer",
    min: 1,
    default: 2,
    description: "warm-up steps",
  },
  batch: {
    type: "integer",
    min: 1,
    default: BUILTIN_CONFIG.batchSize,
    description: "batch size",
  },
  out: { type: "string", valueName: "FILE", description: "CSV output file" },
  "eval-n": {
    type: "integer",
    min: 0,
    default: 2000,
    description:
      "time one evaluation interval on MNIST with this N on the first backend (0: skip)",
  },
  torch: {
    type: "choice",
    choices: ["auto", "off"],
    default: "auto",
    description: "add PyTorch peer rows when python3 can import torch",
  },
  inception: {
    type: "choice",
    choices: ["auto", "off"],
    default: "auto",
    description:
      "time the FID Inception-v3 (wasm, against PyTorch) and FID at d = 2048",
  },
} as const satisfies FlagSpecs;

/** The `mlp` / `dcgan` rows on each backend (unavailable ones skipped with a note). */
async function ganRows(
  backends: string[],
  variants: string[],
  datasets: string[],
  opts: { steps: number; warmup: number; batch: number },
): Promise<PerfRow[]> {
  const rows: PerfRow[] = [];
  for (const backend of backends) {
    try {
      await initBackend(backend as "cpu");
    } catch (e) {
      console.error(`perf: backend ${backend} skipped: ${errorText(e)}`);
      continue;
    }
    for (const variant of variants) {
      for (const dataset of datasets) {
        const row = await measureCell(variant, dataset, opts);
        console.error(
          `perf: ${variant} ${dataset} ${row.backend}: ${row.step_ms} ms/step, ${row.images_per_s} images/s`,
        );
        rows.push(row);
      }
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, FLAGS);
  const opts = {
    steps: values.steps as number,
    warmup: values.warmup as number,
    batch: values.batch as number,
  };
  const backends = values.backends as string[];
  const variants = (values.variants as string[]).filter((v) => v !== "pix2pix");
  const datasets = values.datasets as string[];
  const torch = values.torch === "auto";
  const rows: PerfRow[] = [];
  if (variants.length > 0) {
    rows.push(...await ganRows(backends, variants, datasets, opts));
    if (torch) rows.push(...await torchRows(variants, datasets, opts));
    console.log(toMarkdown(rows));
  }
  if (values.out) {
    await Deno.writeTextFile(values.out as string, toCsv(rows));
  }
  if ((values.variants as string[]).includes("pix2pix")) {
    console.log("\n" + await measurePix2pix(backends, opts, torch));
  }
  const evalN = values["eval-n"] as number;
  if (evalN > 0) {
    await initBackend(backends[0] as "cpu");
    console.log("\n" + await measureEvaluation(evalN));
  }
  if (values.inception === "auto") {
    console.log("\n" + await measureInception(torch));
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      Deno.exit(2);
    }
    throw e;
  }
}

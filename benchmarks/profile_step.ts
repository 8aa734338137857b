/**
 * Where the time of one GAN training step goes, per kernel.
 *
 * Builds a variant × loss pair at batch 64 on random data of the training
 * shape, runs warm-up steps, then wraps every kernel registered for the
 * active backend with a wall-clock timer and runs more steps. Kernels that
 * ganbench builds from other kernels (e.g. wasm `Conv2DBackpropFilter`) are
 * reported with their *exclusive* time (their inner kernels are counted
 * separately). "JS overhead" is the step time not spent inside any kernel
 * (autodiff bookkeeping, tidy, op dispatch). On GPU backends kernel times
 * are dispatch times only; use them on cpu and wasm.
 *
 * Usage:
 * `deno run -A benchmarks/profile_step.ts [--backend wasm] [--variants mlp,dcgan] [--loss ns] [--steps 5] [--top 25]`
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { parseFlags } from "../src/cli/_args.ts";
import { initBackend } from "../src/backend/init.ts";
import { getVariant } from "../src/models/registry.ts";
import { getLoss, resolvePair } from "../src/losses/registry.ts";
import { createOptimizer } from "../src/losses/optimizers.ts";
import { createGanStep } from "../src/train/gan_step.ts";
import type { ImageShape } from "../src/models/types.ts";
import { mulberry32 } from "../src/util/random.ts";

/** A ready-to-run training step of one variant × loss on random data. */
export interface StepHarness {
  /** Runs one full step (n_critic D steps + one G step); resolves when its results are on the host. */
  run(step: number): Promise<{ dLoss: number; gLoss: number }>;
  /** Images per step (D and G): batch × (n_critic + 1). */
  imagesPerStep: number;
  /** Frees models, optimizers and data. */
  dispose(): void;
}

/** Options of {@linkcode createStepHarness}. */
export interface HarnessOptions {
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** Training image shape (32×32 for the DCGAN family). */
  shape: ImageShape;
  /** Batch size (default 64). */
  batchSize?: number;
  /** Seed (default 0). */
  seed?: number;
}

/**
 * Builds models, optimizers and a pool of random real batches in [−1, 1].
 *
 * @param options Variant, loss, shape, batch, seed.
 * @returns The harness.
 * @example
 * ```ts ignore
 * const h = createStepHarness({ variant: "mlp", loss: "ns", shape: { height: 28, width: 28, channels: 1 } });
 * await h.run(0);
 * h.dispose();
 * ```
 */
export function createStepHarness(options: HarnessOptions): StepHarness {
  const { variant: vid, loss: lid, shape } = options;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  const variant = getVariant(vid);
  const loss = getLoss(lid);
  const pair = resolvePair(vid, lid, {});
  const built = variant.build({
    shape,
    numClasses: 10,
    seed,
    criticNorm: pair.criticNorm,
    scope: `profile-${vid}-${lid}-${Math.random().toString(36).slice(2)}/`,
  });
  const dOptimizer = createOptimizer(loss.optimizer);
  const gOptimizer = createOptimizer(loss.optimizer);
  const step = createGanStep({
    generator: built.generator,
    discriminator: built.discriminator,
    loss,
    dOptimizer,
    gOptimizer,
    batchSize,
    numClasses: variant.conditional ? 10 : 0,
    conditional: variant.conditional,
    seed,
  });
  const rnd = mulberry32(seed + 1);
  const size = batchSize * shape.height * shape.width * shape.channels;
  // Host arrays, uploaded per step like the trainer's real batches.
  const pool = Array.from({ length: 4 }, () => {
    const a = new Float32Array(size);
    for (let i = 0; i < size; i++) a[i] = rnd() * 2 - 1;
    return a;
  });
  const labels = new Int32Array(batchSize).map(() => Math.floor(rnd() * 10));
  return {
    imagesPerStep: batchSize * (loss.nCritic + 1),
    async run(s: number) {
      const scalars: tf.Scalar[] = [];
      for (let k = 0; k < loss.nCritic; k++) {
        const images = tf.tensor4d(pool[(s + k) % pool.length], [
          batchSize,
          shape.height,
          shape.width,
          shape.channels,
        ]);
        const lab = variant.conditional ? tf.tensor1d(labels, "int32") : null;
        const r = step.dStep(images, lab, s * 7 + k);
        tf.dispose([images, lab ?? []]);
        scalars.push(r.loss);
        r.gradNorm.dispose();
      }
      const g = step.gStep(s * 7 + 6);
      g.gradNorm.dispose();
      scalars.push(g.loss);
      const stacked = tf.stack(scalars);
      const v = await stacked.data();
      tf.dispose([stacked, ...scalars]);
      return { dLoss: v[0], gLoss: v[v.length - 1] };
    },
    dispose() {
      built.generator.dispose();
      built.discriminator.dispose();
      dOptimizer.dispose();
      gOptimizer.dispose();
    },
  };
}

/** Per-kernel totals collected by {@linkcode instrumentKernels}. */
export interface KernelStats {
  /** Kernel name → exclusive milliseconds, calls. */
  byKernel: Map<string, { ms: number; calls: number }>;
  /** Kernel name + input shapes → exclusive milliseconds, calls. */
  byShape: Map<string, { ms: number; calls: number }>;
  /** Clears the totals. */
  reset(): void;
  /** Restores the original kernels. */
  restore(): void;
}

/**
 * Wraps every kernel of `backendName` with an exclusive wall-clock timer.
 *
 * @param backendName The backend, e.g. "wasm".
 * @returns The live statistics and a `restore` function.
 */
export function instrumentKernels(backendName: string): KernelStats {
  const byKernel = new Map<string, { ms: number; calls: number }>();
  const byShape = new Map<string, { ms: number; calls: number }>();
  const originals = tf.getKernelsForBackend(backendName);
  // Stack of child-time accumulators for exclusive timing.
  const childTime: number[] = [];
  for (const k of originals) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        childTime.push(0);
        const t0 = performance.now();
        try {
          return inner(args);
        } finally {
          const total = performance.now() - t0;
          const children = childTime.pop() ?? 0;
          if (childTime.length > 0) childTime[childTime.length - 1] += total;
          const own = total - children;
          const a = byKernel.get(k.kernelName) ?? { ms: 0, calls: 0 };
          a.ms += own;
          a.calls++;
          byKernel.set(k.kernelName, a);
          const attrs = args.attrs as Record<string, unknown> | undefined;
          const tr = attrs && (attrs.transposeA || attrs.transposeB)
            ? ` tA=${attrs.transposeA ? 1 : 0} tB=${attrs.transposeB ? 1 : 0}`
            : "";
          const key = `${k.kernelName} ${
            Object.values(args.inputs).map((t) =>
              t ? `[${(t as tf.TensorInfo).shape}]` : "-"
            ).join(" ")
          }${tr}`;
          const b = byShape.get(key) ?? { ms: 0, calls: 0 };
          b.ms += own;
          b.calls++;
          byShape.set(key, b);
        }
      },
    });
  }
  return {
    byKernel,
    byShape,
    reset() {
      byKernel.clear();
      byShape.clear();
    },
    restore() {
      for (const k of originals) {
        tf.unregisterKernel(k.kernelName, backendName);
        tf.registerKernel(k);
      }
    },
  };
}

function table(
  rows: Map<string, { ms: number; calls: number }>,
  steps: number,
  stepMs: number,
  top: number,
): string {
  const sorted = [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const lines = [
    "| kernel | ms/step | % of step | calls/step |",
    "|---|---:|---:|---:|",
  ];
  for (const [name, v] of sorted.slice(0, top)) {
    lines.push(
      `| ${name} | ${(v.ms / steps).toFixed(1)} | ${
        (100 * v.ms / steps / stepMs).toFixed(1)
      } | ${(v.calls / steps).toFixed(0)} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    backend: {
      type: "choice",
      choices: ["wasm", "cpu", "webgpu"],
      default: "wasm",
      description: "backend",
    },
    variants: {
      type: "list",
      default: ["mlp", "dcgan"],
      description: "variants",
    },
    loss: { type: "string", default: "ns", description: "loss id" },
    steps: { type: "integer", min: 1, default: 5, description: "timed steps" },
    warmup: {
      type: "integer",
      min: 1,
      default: 2,
      description: "warm-up steps",
    },
    top: { type: "integer", min: 1, default: 25, description: "rows shown" },
    channels: {
      type: "integer",
      min: 1,
      default: 1,
      description: "image channels",
    },
  });
  const backend = values.backend as "wasm";
  await initBackend(backend);
  const steps = values.steps as number;
  for (const variant of values.variants as string[]) {
    const c = values.channels as number;
    const shape = variant === "mlp"
      ? { height: c === 1 ? 28 : 32, width: c === 1 ? 28 : 32, channels: c }
      : { height: 32, width: 32, channels: c };
    const h = createStepHarness({
      variant,
      loss: values.loss as string,
      shape,
    });
    for (let i = 0; i < (values.warmup as number); i++) await h.run(i);
    const stats = instrumentKernels(tf.getBackend());
    // Count synchronous reads (dataSync/arraySync reach backend.readSync).
    const be = tf.backend() as unknown as {
      readSync: (id: unknown) => unknown;
    };
    const readSync = be.readSync;
    let syncReads = 0;
    be.readSync = function (this: unknown, id: unknown) {
      syncReads++;
      return readSync.call(this, id);
    };
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await h.run(100 + i);
    const stepMs = (performance.now() - t0) / steps;
    be.readSync = readSync;
    stats.restore();
    const kernelMs = [...stats.byKernel.values()].reduce((s, v) =>
      s + v.ms, 0) /
      steps;
    console.log(
      `\n## ${backend} ${variant}×${values.loss} ${shape.height}×${shape.width}×${shape.channels}, batch 64: ${
        stepMs.toFixed(1)
      } ms/step (${
        (h.imagesPerStep / stepMs * 1000).toFixed(0)
      } images/s); kernels ${kernelMs.toFixed(1)} ms, JS overhead ${
        (stepMs - kernelMs).toFixed(1)
      } ms; synchronous reads ${syncReads / steps}/step\n`,
    );
    console.log(table(stats.byKernel, steps, stepMs, values.top as number));
    console.log("\nBy input shapes:\n");
    console.log(table(stats.byShape, steps, stepMs, values.top as number));
    h.dispose();
  }
}

if (import.meta.main) await main();

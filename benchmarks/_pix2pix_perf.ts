/**
 * The pix2pix table of `deno task perf`: pairs/s of one `l1-lsgan` training
 * step (G update with λ·L1 + LSGAN, then D update) of the full-width 32×32
 * U-Net and the n = 2 PatchGAN, 1 → 3 channels, batch 16, on each requested
 * backend, beside the same step in PyTorch on one CPU thread
 * (`torch_peer.py --unet`), with the ratio and its target (≥ 0.8×).
 *
 * @module
 */
import { initBackend } from "../src/backend/init.ts";
import { errorText } from "../src/util/errors.ts";
import { measureTranslationStep } from "./translation_step_speed.ts";
import { runTorchPeer } from "./_torch_peer.ts";

/** Pairs per step, of ganbench and of the peer (translation_step_speed's default). */
export const PIX2PIX_BATCH = 16;

/** Target ratio of ganbench's pairs/s to PyTorch's on one thread (issue #13). */
export const PIX2PIX_TARGET = 0.8;

/** One measured speed of the step. */
export interface Pix2pixSpeed {
  /** Backend name (`wasm`, …) or the peer's (`torch-1.13.0-cpu`). */
  backend: string;
  /** Median wall-clock milliseconds per step. */
  stepMs: number;
  /** Pairs per second by the median step. */
  pairsPerSecond: number;
  /** Pairs per CPU-second of the process over the timed steps. */
  pairsPerCpuSecond: number;
}

const fixed = (v: number, digits = 1) => v.toFixed(digits);

/**
 * The table: one line per backend, beside the peer (or why it is missing).
 *
 * @param rows ganbench's speeds, one per backend.
 * @param peer PyTorch's speed on one thread, or why there is none.
 * @param load The 1-minute load average while measuring.
 * @returns A title line and a Markdown table.
 * @example
 * ```ts
 * import { pix2pixTable } from "./_pix2pix_perf.ts";
 * import assert from "node:assert/strict";
 * const ours = { backend: "wasm", stepMs: 1600, pairsPerSecond: 10, pairsPerCpuSecond: 16 };
 * const peer = { backend: "torch-1.13.0-cpu", stepMs: 400, pairsPerSecond: 40, pairsPerCpuSecond: 50 };
 * const table = pix2pixTable([ours], peer, 1.2);
 * assert.match(table, /\| wasm \| 1600\.0 \| 10\.0 \| 16\.0 \| 40\.0 \| 50\.0 \| 0\.25× \(CPU-s 0\.32×\) \| ≥ 0\.8× \(NOT met\) \|/);
 * assert.match(pix2pixTable([ours], "--torch off", 1.2), /— \(--torch off\)/);
 * ```
 */
export function pix2pixTable(
  rows: Pix2pixSpeed[],
  peer: Pix2pixSpeed | string,
  load: number,
): string {
  const who = typeof peer === "string" ? "PyTorch" : peer.backend;
  const lines = [
    `pix2pix training step: U-Net 32×32 + PatchGAN n = 2, l1-lsgan, 1→3, batch ${PIX2PIX_BATCH} (load average ${
      fixed(load)
    })`,
    "",
    `| backend | step ms | pairs/s | pairs/CPU-s | ${who}, 1 thread, pairs/s | pairs/CPU-s | ratio | target |`,
    "|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const theirs = typeof peer === "string"
      ? `— (${peer}) | — | — | ≥ ${PIX2PIX_TARGET}×`
      : [
        fixed(peer.pairsPerSecond),
        fixed(peer.pairsPerCpuSecond),
        `${fixed(r.pairsPerSecond / peer.pairsPerSecond, 2)}× (CPU-s ${
          fixed(r.pairsPerCpuSecond / peer.pairsPerCpuSecond, 2)
        }×)`,
        `≥ ${PIX2PIX_TARGET}× ${
          r.pairsPerSecond / peer.pairsPerSecond >= PIX2PIX_TARGET
            ? "(met)"
            : "(NOT met)"
        }`,
      ].join(" | ");
    lines.push(
      `| ${r.backend} | ${fixed(r.stepMs)} | ${fixed(r.pairsPerSecond)} | ${
        fixed(r.pairsPerCpuSecond)
      } | ${theirs} |`,
    );
  }
  return lines.join("\n");
}

/** The peer's speed for the same step on one thread, or why there is none. */
async function torchPix2pix(
  opts: { steps: number; warmup: number },
): Promise<Pix2pixSpeed | string> {
  const rows = await runTorchPeer([
    "--unet",
    "--batch",
    `${PIX2PIX_BATCH}`,
    "--steps",
    `${opts.steps}`,
    "--warmup",
    `${opts.warmup}`,
    "--threads",
    "1",
  ]);
  if (typeof rows === "string") return rows;
  const r = rows[0];
  if (typeof r?.images_per_s !== "number") return "no row from torch_peer.py";
  return {
    backend: String(r.backend),
    stepMs: Number(r.step_ms),
    pairsPerSecond: r.images_per_s,
    pairsPerCpuSecond: Number(r.images_per_cpu_s),
  };
}

/**
 * Times the step on each backend (unavailable ones are skipped with a note
 * on stderr), then in PyTorch when `torch` is set.
 *
 * @param backends Backends to time.
 * @param opts Timed and warm-up steps (ganbench and the peer alike).
 * @param torch Whether to run the PyTorch peer.
 * @returns The table of {@linkcode pix2pixTable}.
 * @example
 * ```ts ignore
 * console.log(await measurePix2pix(["wasm"], { steps: 4, warmup: 1 }, true));
 * ```
 */
export async function measurePix2pix(
  backends: string[],
  opts: { steps: number; warmup: number },
  torch: boolean,
): Promise<string> {
  const rows: Pix2pixSpeed[] = [];
  for (const backend of backends) {
    try {
      await initBackend(backend as "cpu");
    } catch (e) {
      console.error(`perf: pix2pix on ${backend} skipped: ${errorText(e)}`);
      continue;
    }
    const r = measureTranslationStep(PIX2PIX_BATCH, opts.steps, opts.warmup);
    rows.push({
      backend,
      stepMs: r.stepMs,
      pairsPerSecond: r.imagesPerSecond,
      pairsPerCpuSecond: r.imagesPerCpuSecond,
    });
    console.error(
      `perf: pix2pix ${backend}: ${fixed(r.stepMs)} ms/step, ${
        fixed(r.imagesPerSecond)
      } pairs/s`,
    );
  }
  const peer = torch ? await torchPix2pix(opts) : "--torch off";
  return pix2pixTable(rows, peer, Deno.loadavg()[0]);
}

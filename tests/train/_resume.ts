/**
 * Shared check of the resume tests (cpu and wasm): a cell trained without
 * interruption against the same cell killed twice (each time in the
 * interval after a checkpoint) and resumed, compared bit for bit: every
 * evaluation row (step, interval loss and gradient-norm means, images
 * seen), every weight of G, D and the averaged G at every evaluation, and
 * the last checkpoint file's tensors (optimizer slots included) and random
 * state.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import type { Dataset } from "../../src/data/types.ts";
import { readCheckpoint } from "../../src/train/checkpoint.ts";
import { trainCell } from "../../src/train/trainer.ts";
import type {
  EvaluationContext,
  TrainConfig,
} from "../../src/train/trainer.ts";

/** One evaluation, as bytes: the row and the weights. */
interface Snapshot {
  step: number;
  /** The interval means and counters, as float64 bytes. */
  row: Uint8Array;
  /** G, D and averaged-G weights, concatenated float32 bytes. */
  weights: Uint8Array;
}

/** Reads the row and the weights of an evaluation as raw bytes. */
async function snapshot(c: EvaluationContext): Promise<Snapshot> {
  const { dLoss, gLoss, gradNormD, gradNormG } = c.means;
  const row = new Float64Array([
    c.step,
    dLoss,
    gLoss,
    gradNormD,
    gradNormG,
    c.imagesSeen,
  ]);
  const variables: tf.Variable[] = [
    ...c.generator.variables,
    ...c.discriminator.variables,
    ...(c.sampleGenerator === c.generator ? [] : c.sampleGenerator.variables),
  ];
  const parts: Uint8Array[] = [];
  for (const v of variables) {
    const values = await v.data();
    parts.push(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
        .slice(),
    );
  }
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  const weights = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    weights.set(p, at);
    at += p.byteLength;
  }
  return { step: c.step, row: new Uint8Array(row.buffer), weights };
}

/** The first byte where two arrays differ, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * The schedule of the resume checks: 30 G steps, an evaluation and a
 * checkpoint every 5; the interrupted run is killed at the evaluations of
 * steps 10, 20 and 30 (before their checkpoints), so it resumes three times,
 * from 5, 15 and 25.
 */
export const RESUME_SCHEDULE: TrainConfig = {
  steps: 30,
  batchSize: 4,
  evalEvery: 5,
  checkpointEvery: 5,
  seed: 7,
  widthMultiplier: 1 / 16,
};

/** The steps at which {@linkcode RESUME_SCHEDULE}'s run is killed. */
export const KILL_AT: readonly number[] = [10, 20, 30];

/** What one resume check trains. */
export interface ResumeCase {
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** The config (checkpoints on; the kills fall after its checkpoints). */
  config: TrainConfig;
  /** The G steps at which the interrupted runs are killed (default {@linkcode KILL_AT}). */
  killAt?: readonly number[];
}

/**
 * Trains `c` uninterrupted and killed-and-resumed, and asserts that both
 * give the same bytes everywhere.
 *
 * @param dataset The data set.
 * @param c The cell and the kill steps.
 * @param dir A scratch directory for the checkpoints.
 */
export async function assertResumeExact(
  dataset: Dataset,
  c: ResumeCase,
  dir: string,
): Promise<void> {
  const label = `${c.variant}×${c.loss}${c.config.gEma ? "+ema" : ""}`;
  const cell = {
    cellId: "resume",
    dataset,
    variant: c.variant,
    loss: c.loss,
    config: c.config,
  };
  // The uninterrupted run also checkpoints, so its last checkpoint file can
  // be compared with the resumed run's.
  const wholePath = `${dir}/${label}-whole.ckpt`;
  const whole: Snapshot[] = [];
  await trainCell({
    ...cell,
    checkpointPath: wholePath,
    onEvaluate: async (e) => void whole.push(await snapshot(e)),
  });

  const path = `${dir}/${label}-resumed.ckpt`;
  const pieces: Snapshot[] = [];
  const resumedFrom: number[] = [];
  for (const kill of c.killAt ?? KILL_AT) {
    await assert.rejects(
      trainCell({
        ...cell,
        checkpointPath: path,
        onEvaluate: async (e) => {
          // Killed in the interval after a checkpoint: its row is lost.
          if (e.step === kill) throw new Error("killed");
          pieces.push(await snapshot(e));
        },
      }),
      /killed/,
    );
    // The rows after the checkpoint are produced again on resume.
    const at = (await readCheckpoint(path))!;
    at.tensors.forEach((t) => t.tensor.dispose());
    resumedFrom.push(at.step);
    const after = pieces.findIndex((s) => s.step > at.step);
    if (after >= 0) pieces.splice(after);
  }
  const outcome = await trainCell({
    ...cell,
    checkpointPath: path,
    onEvaluate: async (e) => void pieces.push(await snapshot(e)),
  });
  assert.equal(outcome.status, "finished", label);
  assert.ok(
    resumedFrom.every((s, i) => s > (resumedFrom[i - 1] ?? 0)),
    `${label}: resumed from ${resumedFrom.join(", ")}`,
  );

  assert.deepEqual(
    pieces.map((s) => s.step),
    whole.map((s) => s.step),
    `${label}: evaluation steps`,
  );
  for (let i = 0; i < whole.length; i++) {
    const step = whole[i].step;
    const row = firstDifference(pieces[i].row, whole[i].row);
    assert.equal(
      row,
      -1,
      `${label}: row of step ${step} differs: ${new Float64Array(
        pieces[i].row.buffer,
      )} vs ${new Float64Array(whole[i].row.buffer)}`,
    );
    const w = firstDifference(pieces[i].weights, whole[i].weights);
    assert.equal(w, -1, `${label}: weights at step ${step} differ (byte ${w})`);
  }
  await assertSameCheckpoint(label, wholePath, path);
}

/** The two checkpoints hold the same step, random state and tensor bytes. */
async function assertSameCheckpoint(
  label: string,
  a: string,
  b: string,
): Promise<void> {
  const x = (await readCheckpoint(a))!;
  const y = (await readCheckpoint(b))!;
  try {
    assert.equal(y.step, x.step, `${label}: checkpoint step`);
    const { trainSeconds: _a, ...xs } = x.state;
    const { trainSeconds: _b, ...ys } = y.state;
    assert.deepEqual(ys, xs, `${label}: checkpoint state`);
    assert.deepEqual(
      y.tensors.map((t) => t.name),
      x.tensors.map((t) => t.name),
      `${label}: checkpoint tensor names`,
    );
    for (let i = 0; i < x.tensors.length; i++) {
      const u = await x.tensors[i].tensor.data();
      const v = await y.tensors[i].tensor.data();
      const d = firstDifference(
        new Uint8Array(u.buffer, u.byteOffset, u.byteLength),
        new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
      );
      assert.equal(
        d,
        -1,
        `${label}: checkpoint tensor '${x.tensors[i].name}' differs`,
      );
    }
  } finally {
    [...x.tensors, ...y.tensors].forEach((t) => t.tensor.dispose());
  }
}

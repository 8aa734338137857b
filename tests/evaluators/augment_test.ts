import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { deepEqual, ok } from "../_assert.ts";
import {
  augmentedBatch,
  MAX_SHIFT,
} from "../../src/metrics/evaluators/_augment.ts";
import { toImageTensor } from "../../src/data/tensor.ts";
import { mulberry32 } from "../../src/util/random.ts";
import type { Split } from "../../src/data/types.ts";

await tf.setBackend("cpu");
await tf.ready();

/** Two 6×6×2 images with distinct byte values (1 … 72 and 101 … 172). */
const split: Split = {
  images: Uint8Array.from({ length: 144 }, (_, i) => i < 72 ? i + 1 : i + 29),
  labels: Uint8Array.from([0, 1]),
  count: 2,
};

Deno.test("augmentedBatch: 'none' equals toImageTensor", () => {
  const a = augmentedBatch(split, [6, 6, 2], [1, 0], "none", mulberry32(1));
  const b = toImageTensor(split, [6, 6, 2], [1, 0]);
  deepEqual(a.dataSync(), b.dataSync());
  tf.dispose([a, b]);
});

Deno.test("augmentedBatch: shifts/flips move whole pixels, fill with -1, repeat under a seed", () => {
  for (const mode of ["shift", "shift-flip"] as const) {
    const a = augmentedBatch(
      split,
      [6, 6, 2],
      [0, 1, 0, 1],
      mode,
      mulberry32(5),
    );
    const b = augmentedBatch(
      split,
      [6, 6, 2],
      [0, 1, 0, 1],
      mode,
      mulberry32(5),
    );
    deepEqual(a.dataSync(), b.dataSync());
    const v = a.dataSync();
    for (let n = 0; n < 4; n++) {
      const src = n % 2 === 0 ? 0 : 72;
      // Every value is fill or a source byte; the pixel's two channels stay together.
      let kept = 0;
      for (let p = 0; p < 36; p++) {
        const c0 = Math.round((v[n * 72 + p * 2] + 1) * 127.5);
        const c1 = Math.round((v[n * 72 + p * 2 + 1] + 1) * 127.5);
        if (c0 === 0) {
          ok(c1 === 0);
          continue;
        }
        kept++;
        const k = c0 - (src === 0 ? 1 : 101);
        ok(k >= 0 && k < 72 && k % 2 === 0, `byte ${c0}`);
        ok(c1 === c0 + 1);
      }
      // At most MAX_SHIFT rows and columns are lost.
      ok(kept >= (6 - MAX_SHIFT) * (6 - MAX_SHIFT));
    }
    tf.dispose([a, b]);
  }
});

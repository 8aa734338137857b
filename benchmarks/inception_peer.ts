/**
 * ganbench's FID beside pytorch-fid's (or torch-fidelity's) on the same two
 * image folders, for a machine that has the real weight file and the Python
 * tools. It cannot run here (no weight file, no pytorch-fid); it is the check
 * to run where both exist.
 *
 * ```sh
 * pip install pytorch-fid torch-fidelity
 * deno run -A benchmarks/inception_peer.ts FOLDER_A FOLDER_B \
 *   [--convention pytorch|tf1] [--weights FILE] [--python python3] [--backend wasm]
 * ```
 *
 * Both folders hold PNG images of one size (grey or RGB; ≥ 2049 each, as FID
 * needs N > 2048). With `--convention pytorch` (default) the peer is
 * `python -m pytorch_fid A B --device cpu`; with `tf1` it is torch-fidelity
 * (`fidelity --fid --input1 A --input2 B`), whose input path is the TF1 one.
 * Prints both values and their relative difference; pytorch-fid reads JPEG
 * and PNG alike, so give both tools the same files.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { parseFlags, UsageError } from "../src/cli/_args.ts";
import { initBackend } from "../src/backend/init.ts";
import { readPng } from "../src/results/png.ts";
import { featureStats, fidFromStats } from "../src/metrics/fid.ts";
import { loadInceptionEvaluator } from "../src/metrics/evaluators/inception/load.ts";
import type { InceptionEvaluator } from "../src/metrics/evaluators/inception/evaluator.ts";

/** Pool3 features of every PNG in a folder, in file-name order. */
async function folderFeatures(
  dir: string,
  evaluator: InceptionEvaluator,
): Promise<tf.Tensor2D> {
  const names = (await Array.fromAsync(Deno.readDir(dir)))
    .filter((e) => e.isFile && e.name.toLowerCase().endsWith(".png"))
    .map((e) => e.name).sort();
  if (names.length === 0) throw new Error(`${dir}: no PNG images`);
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < names.length; start += evaluator.batchSize) {
    const batch = await Promise.all(
      names.slice(start, start + evaluator.batchSize).map((n) =>
        readPng(join(dir, n))
      ),
    );
    const { width, height } = batch[0];
    const channels = batch[0].channels >= 3 ? 3 : 1;
    const images = tf.tidy(() =>
      tf.stack(batch.map((img, i) => {
        if (img.width !== width || img.height !== height) {
          throw new Error(
            `${
              join(dir, names[start + i])
            }: ${img.width}×${img.height}, expected ${width}×${height}`,
          );
        }
        const t = tf.tensor3d(img.pixels, [height, width, img.channels]);
        const c = tf.slice(t, [0, 0, 0], [-1, -1, channels]);
        // ganbench's image convention: [−1, 1].
        return tf.sub(tf.div(tf.cast(c, "float32"), 127.5), 1);
      })) as tf.Tensor4D
    );
    parts.push(evaluator.features(images));
    images.dispose();
    console.error(
      `${dir}: ${
        Math.min(start + evaluator.batchSize, names.length)
      }/${names.length}`,
    );
  }
  const all = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}

/** The peer's FID, parsed from its output. */
async function peerFid(
  python: string,
  convention: string,
  a: string,
  b: string,
): Promise<number> {
  const args = convention === "pytorch"
    ? ["-m", "pytorch_fid", a, b, "--device", "cpu"]
    : ["-m", "torch_fidelity.fidelity", "--fid", "--input1", a, "--input2", b];
  const out = await new Deno.Command(python, { args, stderr: "inherit" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const match = /(?:FID:|frechet_inception_distance:)\s*([0-9.eE+-]+)/.exec(
    text,
  );
  if (!out.success || !match) {
    throw new Error(`${python} ${args.join(" ")}: no FID in its output`);
  }
  return Number(match[1]);
}

if (import.meta.main) {
  try {
    const { values, positionals } = parseFlags(Deno.args, {
      convention: {
        type: "choice",
        choices: ["pytorch", "tf1"],
        default: "pytorch",
        description:
          "input convention (and peer: pytorch-fid or torch-fidelity)",
      },
      weights: {
        type: "string",
        valueName: "FILE",
        description: "pt_inception-2015-12-05-6726825d.pth (default: as bench)",
      },
      python: {
        type: "string",
        valueName: "PYTHON",
        default: "python3",
        description: "the Python with pytorch-fid / torch-fidelity",
      },
      backend: {
        type: "choice",
        choices: ["auto", "tensorflow", "webgpu", "wasm", "cpu"],
        default: "auto",
        description: "TF.js backend",
      },
    }, { positionals: [2, 2] });
    const [a, b] = positionals;
    await initBackend(values.backend as "auto");
    const evaluator = await loadInceptionEvaluator({
      convention: values.convention as "pytorch" | "tf1",
      path: values.weights as string | undefined,
    });
    const fa = await folderFeatures(a, evaluator);
    const fb = await folderFeatures(b, evaluator);
    const ours = fidFromStats(await featureStats(fa), await featureStats(fb));
    tf.dispose([fa, fb]);
    evaluator.dispose();
    const theirs = await peerFid(
      values.python as string,
      values.convention as string,
      a,
      b,
    );
    console.log(`ganbench (${evaluator.id}): FID ${ours}`);
    console.log(
      `${
        values.convention === "pytorch" ? "pytorch-fid" : "torch-fidelity"
      }: FID ${theirs}`,
    );
    console.log(
      `relative difference ${
        (Math.abs(ours - theirs) / theirs).toExponential(2)
      }`,
    );
  } catch (e) {
    console.error(`inception_peer: ${e instanceof Error ? e.message : e}`);
    Deno.exit(e instanceof UsageError ? 2 : 1);
  }
}

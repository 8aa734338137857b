import * as tf from "@tensorflow/tfjs-core";
import { assert } from "../_assert.ts";
import {
  buildUnet,
  type UnetOptions,
} from "../../src/models/translation/unet.ts";
import { setupCpu, snapshot } from "./_setup.ts";

await setupCpu();

const TINY = 1 / 16;

/** Builds a tiny U-Net, runs `f` on it, disposes it. */
function withUnet<T>(
  opts: Partial<UnetOptions>,
  f: (g: ReturnType<typeof buildUnet>) => T,
): T {
  const g = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 1,
    seed: 3,
    widthMultiplier: TINY,
    ...opts,
  });
  try {
    return f(g);
  } finally {
    g.dispose();
  }
}

/** Smooth-ish random images in [−1, 1]. */
function images(n: number, size: number, c: number, seed: number): tf.Tensor4D {
  return tf.tidy(() =>
    tf.tanh(tf.randomNormal([n, size, size, c], 0, 1, "float32", seed))
  ) as tf.Tensor4D;
}

for (
  const [size, cin, cout] of [[28, 1, 1], [28, 2, 1], [32, 1, 3], [32, 3, 3]]
) {
  Deno.test(`unet: ${size}×${size} ${cin}→${cout} keeps the size, tanh range, both modes`, () => {
    withUnet({ size, inChannels: cin, outChannels: cout }, (g) => {
      const x = images(2, size, cin, 1);
      for (const training of [true, false]) {
        const y = g.apply(x, training, 5);
        assert.deepEqual(y.shape, [2, size, size, cout]);
        const v = y.dataSync();
        const [lo, hi] = [Math.min(...v), Math.max(...v)];
        assert.ok(lo >= -1 && hi <= 1, `${lo}…${hi}`);
        y.dispose();
      }
      x.dispose();
    });
  });
}

Deno.test("unet: full-width layer lines, skip concat widths and parameter count", () => {
  const g = buildUnet({ size: 32, inChannels: 1, outChannels: 3, seed: 1 });
  try {
    const { layers, parameters, substitutions } = g.config;
    assert.deepEqual(layers.slice(4), [
      "d1 ReLU, convT k4 s2 256→256 (4×4), BN, dropout 0.5",
      "d2 ReLU, convT k4 s2 concat[e3 256 + d1 256]=512→128 (8×8), BN, dropout 0.5",
      "d3 ReLU, convT k4 s2 concat[e2 128 + d2 128]=256→64 (16×16), BN",
      "d4 ReLU, convT k4 s2 concat[e1 64 + d3 64]=128→3 (32×32), bias, tanh",
    ]);
    assert.equal(layers[0], "e1 conv k4 s2 p1 1→64 (16×16)");
    assert.match(layers[3], /256→256 \(2×2\) \(bottleneck\)$/);
    // Hand count: convs 16·(1·64 + 64·128 + 128·256 + 256·256 + 256·256 +
    // 512·128 + 256·64 + 128·3) + BN 2·(128 + 256 + 256 + 128 + 64) + bias 3.
    assert.equal(parameters, 4072067);
    assert.deepEqual(substitutions, []);
    // The decoder filters are [4, 4, out, in] with the concatenated inputs.
    const shapeOf = (k: string) => g.variables[g.keys.indexOf(k)].shape;
    assert.deepEqual(shapeOf("G/up1/kernel"), [4, 4, 128, 512]);
    assert.deepEqual(shapeOf("G/up3/kernel"), [4, 4, 3, 128]);
  } finally {
    g.dispose();
  }
});

Deno.test("unet: 28×28 is padded to 32 and cropped back (config lines)", () => {
  withUnet({ size: 28 }, (g) => {
    assert.equal(g.config.layers[0], "pad 28×28×1 → 32×32 with −1");
    assert.equal(g.config.layers.at(-1), "crop 32×32×1 → 28×28");
    assert.deepEqual(g.config.substitutions, [`hidden widths × ${TINY}`]);
  });
});

Deno.test("unet: with the bottleneck zeroed, the skips still carry the input", () => {
  withUnet({ dropoutAtInference: false }, (g) => {
    const bottleneck = g.variables[g.keys.indexOf("G/down3/kernel")];
    bottleneck.assign(tf.zerosLike(bottleneck));
    const a = images(1, 32, 1, 1);
    const b = images(1, 32, 1, 2);
    // Inference, no dropout: without skips the output would be one constant.
    const d = tf.tidy(() =>
      tf.max(tf.abs(tf.sub(g.apply(a, false), g.apply(b, false))))
    );
    assert.ok(d.dataSync()[0] > 1e-4, `outputs differ by ${d.dataSync()[0]}`);
    tf.dispose([a, b, d]);
  });
});

Deno.test("unet: dropout is on at inference by default, seeded by noiseSeed", () => {
  const diff = (g: ReturnType<typeof buildUnet>, s1?: number, s2?: number) => {
    const x = images(2, 32, 1, 4);
    const d = tf.tidy(() =>
      tf.max(tf.abs(tf.sub(g.apply(x, false, s1), g.apply(x, false, s2))))
    );
    const v = d.dataSync()[0];
    tf.dispose([x, d]);
    return v;
  };
  withUnet({}, (g) => {
    assert.ok(diff(g) > 0, "two unseeded calls draw different masks");
    assert.equal(diff(g, 9, 9), 0, "the same noiseSeed gives the same masks");
    assert.ok(diff(g, 9, 10) > 0, "another noiseSeed gives other masks");
    const saved = g.randomState!.save();
    assert.equal(saved.length, 2, "two decoder dropout layers");
  });
  withUnet({ dropoutAtInference: false }, (g) => {
    assert.equal(diff(g), 0, "inference is deterministic without dropout");
  });
});

Deno.test("unet: same seed → identical weights; another seed → different", () => {
  const a = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 1,
    seed: 7,
    widthMultiplier: TINY,
    scope: "a/",
  });
  const b = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 1,
    seed: 7,
    widthMultiplier: TINY,
    scope: "b/",
  });
  const c = buildUnet({
    size: 32,
    inChannels: 1,
    outChannels: 1,
    seed: 8,
    widthMultiplier: TINY,
    scope: "c/",
  });
  const [sa, sb, sc] = [snapshot(a), snapshot(b), snapshot(c)];
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa.get("G/down0/kernel"), sc.get("G/down0/kernel"));
  [a, b, c].forEach((m) => m.dispose());
});

Deno.test("unet: bad options and inputs throw one clear line", () => {
  assert.throws(
    () => buildUnet({ size: 30, inChannels: 1, outChannels: 1, seed: 1 }),
    /^Error: models\/unet: size must be 28 or 32, got 30$/,
  );
  assert.throws(
    () => buildUnet({ size: 32, inChannels: 0, outChannels: 1, seed: 1 }),
    /inChannels must be a positive integer, got 0/,
  );
  assert.throws(
    () =>
      buildUnet({
        size: 32,
        inChannels: 1,
        outChannels: 1,
        seed: 1,
        dropoutRate: 1,
      }),
    /dropoutRate must be in \[0, 1\), got 1/,
  );
  withUnet({}, (g) => {
    const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    assert.throws(
      () => g.apply(x, true),
      /models\/unet: input must be \[N, 32, 32, 1\], got \[1,28,28,1\]/,
    );
    x.dispose();
  });
});

import { assert } from "../_assert.ts";
import { join } from "node:path";
import { PNG } from "pngjs";
import { Buffer } from "node:buffer";
import {
  decodePng,
  encodePng,
  readPng,
  writePng,
} from "../../src/results/png.ts";

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 37 + 11) & 255;
  return out;
}

Deno.test("png: gray, gray+alpha, RGB and RGBA encode and decode to the same pixels", () => {
  for (const channels of [1, 2, 3, 4] as const) {
    const w = 7;
    const h = 5;
    const pixels = pattern(w * h * channels);
    const bytes = encodePng(pixels, w, h, channels);
    assert.deepEqual([...bytes.subarray(0, 8)], [
      137,
      80,
      78,
      71,
      13,
      10,
      26,
      10,
    ]);
    const back = decodePng(bytes);
    assert.deepEqual([back.width, back.height, back.channels], [
      w,
      h,
      channels,
    ]);
    assert.deepEqual(back.pixels, pixels);
  }
});

Deno.test("png: pngjs itself reads our RGB file as the same RGBA pixels", () => {
  const pixels = pattern(3 * 2 * 3);
  const bytes = encodePng(pixels, 3, 2, 3);
  // deno-lint-ignore no-explicit-any
  const png = (PNG as any).sync.read(Buffer.from(bytes));
  assert.equal(png.width, 3);
  assert.equal(png.colorType, 2);
  for (let p = 0; p < 6; p++) {
    assert.deepEqual(
      [...png.data.subarray(p * 4, p * 4 + 4)],
      [pixels[p * 3], pixels[p * 3 + 1], pixels[p * 3 + 2], 255],
    );
  }
});

Deno.test("png: bad input is refused", () => {
  assert.throws(
    () => encodePng(new Uint8Array(5), 2, 2, 1),
    /expected 2×2×1 = 4 bytes, got 5/,
  );
  assert.throws(
    () => encodePng(new Uint8Array(10), 2, 1, 5),
    /channels must be 1, 2, 3 or 4/,
  );
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0, 1), /bad size/);
});

Deno.test("png: writePng is atomic and readPng reads it back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "grids", "cell", "10.png");
    const image = {
      pixels: pattern(16 * 3),
      width: 4,
      height: 4,
      channels: 3 as const,
    };
    await writePng(path, image);
    assert.deepEqual(await readPng(path), image);
    assert.deepEqual(
      [...Deno.readDirSync(join(dir, "grids", "cell"))].map((e) => e.name),
      ["10.png"],
    );
    await Deno.writeTextFile(join(dir, "bad.png"), "not a png");
    await assert.rejects(
      readPng(join(dir, "bad.png")),
      /bad\.png: not a valid PNG/,
    );
    await assert.rejects(
      readPng(join(dir, "none.png")),
      /none\.png: cannot read/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

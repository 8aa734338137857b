import { assert } from "../_assert.ts";
import { join } from "node:path";
import {
  finalGridPath,
  makeContactSheet,
  writeRunContactSheet,
} from "../../src/results/contact_sheet.ts";
import { type RasterImage, readPng, writePng } from "../../src/results/png.ts";
import { drawText, glyphRows, textWidth } from "../../src/results/_font.ts";

const tile = (value: number, size = 30): RasterImage => ({
  pixels: new Uint8Array(size * size).fill(value),
  width: size,
  height: size,
  channels: 1,
});

/** Counts pixels of `rgb` colour inside a rectangle. */
function count(
  img: RasterImage,
  x0: number,
  y0: number,
  w: number,
  h: number,
  rgb: number[],
): number {
  let n = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const o = (y * img.width + x) * 3;
      if (
        img.pixels[o] === rgb[0] && img.pixels[o + 1] === rgb[1] &&
        img.pixels[o + 2] === rgb[2]
      ) n++;
    }
  }
  return n;
}

Deno.test("font: every glyph is 7 rows of 5 bits; letters ignore case", () => {
  for (const ch of "abcdefghijklmnopqrstuvwxyz0123456789-_×.,:/()=+? ") {
    const rows = glyphRows(ch);
    assert.equal(rows.length, 7, ch);
    for (const r of rows) assert.ok(r >= 0 && r < 32, ch);
    if (ch !== " ") assert.ok(rows.some((r) => r !== 0), `${ch} is blank`);
  }
  assert.deepEqual(glyphRows("a"), glyphRows("A"));
  assert.deepEqual(glyphRows("€"), glyphRows("?"));
  assert.equal(textWidth("ns", 2), 22);
  // drawing "I" at scale 1: the middle column is set on rows 0..6
  const img: RasterImage = {
    pixels: new Uint8Array(5 * 7 * 3).fill(255),
    width: 5,
    height: 7,
    channels: 3,
  };
  drawText(img, "I", 0, 0);
  for (let y = 0; y < 7; y++) assert.equal(img.pixels[(y * 5 + 2) * 3], 0);
  assert.equal(img.pixels[(3 * 5 + 0) * 3], 255);
});

Deno.test("contact sheet: size, tiles, labels and n/a cells", () => {
  const rows = ["mlp", "dcgan"];
  const cols = ["ns", "wgan-gp", "hinge"];
  const sheet = makeContactSheet({
    rows,
    cols,
    tile: (
      r,
      c,
    ) => (r === "dcgan" && c === "hinge"
      ? undefined
      : tile(r === "mlp" ? 200 : 50)),
    gap: 8,
    fontScale: 2,
  });
  const labelH = 14;
  const rowLabelW = textWidth("dcgan", 2); // 58
  const gridLeft = 8 + rowLabelW + 8;
  const gridTop = 8 + labelH + 8;
  // slots are as wide as the widest header, "wgan-gp" at scale 2
  const slotW = textWidth("wgan-gp", 2); // 82
  const slotH = 30;
  const tileX = (j: number) => gridLeft + j * (slotW + 8) + (slotW - 30) / 2;
  assert.equal(sheet.channels, 3);
  assert.equal(sheet.width, gridLeft + 3 * (slotW + 8));
  assert.equal(sheet.height, gridTop + 2 * (slotH + 8));
  // tiles: gray 200 replicated to RGB, centred in their slots
  assert.equal(count(sheet, tileX(0), gridTop, 30, 30, [200, 200, 200]), 900);
  assert.equal(count(sheet, tileX(1), gridTop + 38, 30, 30, [50, 50, 50]), 900);
  // the missing cell: a grey slot with dark "n/a" text
  const missX = gridLeft + 2 * (slotW + 8), missY = gridTop + 38;
  const grey = count(sheet, missX, missY, slotW, slotH, [160, 160, 160]);
  const text = count(sheet, missX, missY, slotW, slotH, [64, 64, 64]);
  assert.equal(grey + text, slotW * slotH);
  assert.ok(text > 20, `n/a text pixels: ${text}`);
  // labels: black pixels in the column-header band and the row-label band
  assert.ok(
    count(sheet, gridLeft, 8, sheet.width - gridLeft, labelH, [0, 0, 0]) > 50,
  );
  assert.ok(count(sheet, 8, gridTop, rowLabelW, 30, [0, 0, 0]) > 30);
  assert.ok(count(sheet, 8, gridTop + 38, rowLabelW, 30, [0, 0, 0]) > 30);
  // nothing black inside the tiles
  assert.equal(
    count(
      sheet,
      gridLeft,
      gridTop,
      sheet.width - gridLeft,
      sheet.height - gridTop,
      [0, 0, 0],
    ),
    0,
  );
});

Deno.test("contact sheet: large tiles are scaled down by an integer factor (box mean)", () => {
  const big: RasterImage = {
    pixels: new Uint8Array(600 * 600 * 3),
    width: 600,
    height: 600,
    channels: 3,
  };
  for (let i = 0; i < big.pixels.length; i += 3) {
    big.pixels[i] = (i / 3) % 2 === 0 ? 100 : 200;
  }
  const sheet = makeContactSheet({
    rows: ["a"],
    cols: ["b"],
    tile: () => big,
    maxTile: 256,
    gap: 4,
  });
  // factor ⌈600/256⌉ = 3 → 200×200 tile; each 3×3 block of alternating columns averages to 133 or 167
  const gridLeft = 4 + textWidth("a", 2) + 4;
  const gridTop = 4 + 14 + 4;
  assert.equal(sheet.width, gridLeft + 200 + 4);
  const first = sheet.pixels[(gridTop * sheet.width + gridLeft) * 3];
  assert.ok(first === 133 || first === 167, String(first));
});

Deno.test("writeRunContactSheet uses each cell's last grid", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cells = [
      {
        id: "mnist-mlp-ns-s0",
        dataset: "mnist",
        variant: "mlp",
        loss: "ns",
        seed: 0,
      },
      {
        id: "mnist-mlp-ns-s1",
        dataset: "mnist",
        variant: "mlp",
        loss: "ns",
        seed: 1,
      },
      {
        id: "mnist-mlp-hinge-s0",
        dataset: "mnist",
        variant: "mlp",
        loss: "hinge",
        seed: 0,
      },
    ];
    await writePng(join(dir, "grids", cells[0].id, "5.png"), tile(10));
    await writePng(join(dir, "grids", cells[0].id, "40.png"), tile(240));
    await writePng(join(dir, "grids", cells[0].id, "100.png.tmp-1"), tile(1));
    await writePng(join(dir, "grids", cells[1].id, "40.png"), tile(99));
    assert.equal(
      await finalGridPath(dir, cells[0].id),
      join(dir, "grids", cells[0].id, "40.png"),
    );
    assert.equal(await finalGridPath(dir, cells[2].id), undefined);
    const path = await writeRunContactSheet(dir, cells, {
      gap: 8,
      fontScale: 2,
    });
    assert.equal(path, join(dir, "grids", "contact_sheet.png"));
    const sheet = await readPng(path);
    const gridLeft = 8 + textWidth("mlp", 2) + 8;
    const gridTop = 8 + 14 + 8;
    const slotW = textWidth("hinge", 2); // 58, wider than the tiles
    const tileX = gridLeft + (slotW - 30) / 2;
    assert.equal(
      count(sheet, tileX, gridTop, 30, 30, [240, 240, 240]),
      900,
      "the step-40 grid of seed 0",
    );
    assert.ok(
      count(sheet, gridLeft + slotW + 8, gridTop, slotW, 30, [160, 160, 160]) >
        1500,
      "hinge has no grid",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

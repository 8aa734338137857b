/**
 * Contact sheets: one image showing the final sample grid of every cell,
 * rows = variants, columns = losses, with text headers drawn in a built-in
 * bitmap font. Large grids are scaled down (box filter); missing cells are a
 * grey tile marked `n/a`.
 *
 * @module
 */
import { join } from "node:path";
import type { RasterImage } from "./png.ts";
import { readPng, writePng } from "./png.ts";
import { drawText, GLYPH_HEIGHT, textWidth } from "./_font.ts";
import { contactSheetPath, gridsDir } from "./layout.ts";

/** Options of {@linkcode makeContactSheet}. */
export interface ContactSheetOptions {
  /** Row labels, top to bottom (e.g. variant ids). */
  rows: readonly string[];
  /** Column labels, left to right (e.g. loss ids). */
  cols: readonly string[];
  /** The tile of a (row, column), or `undefined` when the cell is missing. */
  tile: (row: string, col: string) => RasterImage | undefined;
  /** Tiles larger than this (width or height, pixels) are scaled down by an integer factor; default 256. */
  maxTile?: number;
  /** Pixels per font pixel of the labels; default 2. */
  fontScale?: number;
  /** A line of text above the column headers. */
  title?: string;
  /** Pixels between tiles and around the sheet; default 8. */
  gap?: number;
}

const BACKGROUND = 255;
const MISSING = 160;
const TEXT = [0, 0, 0];
const MISSING_TEXT = [64, 64, 64];

/**
 * Converts an image to RGB (gray is replicated, alpha dropped).
 *
 * @param image Any 8-bit image.
 * @returns An RGB image (the same object when already RGB).
 */
function toRgb(image: RasterImage): RasterImage {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const o = p * image.channels;
    const gray = image.channels <= 2;
    out[p * 3] = image.pixels[o];
    out[p * 3 + 1] = image.pixels[gray ? o : o + 1];
    out[p * 3 + 2] = image.pixels[gray ? o : o + 2];
  }
  return { pixels: out, width: image.width, height: image.height, channels: 3 };
}

/**
 * Scales an RGB image down by an integer factor (mean of each f×f block).
 *
 * @param image RGB image.
 * @param factor Integer ≥ 1.
 * @returns The scaled image (the same object when factor is 1).
 */
function shrink(image: RasterImage, factor: number): RasterImage {
  if (factor <= 1) return image;
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        let n = 0;
        for (let dy = 0; dy < factor; dy++) {
          const sy = y * factor + dy;
          if (sy >= image.height) break;
          for (let dx = 0; dx < factor; dx++) {
            const sx = x * factor + dx;
            if (sx >= image.width) break;
            sum += image.pixels[(sy * image.width + sx) * 3 + k];
            n++;
          }
        }
        out[(y * width + x) * 3 + k] = Math.round(sum / n);
      }
    }
  }
  return { pixels: out, width, height, channels: 3 };
}

function blit(target: RasterImage, tile: RasterImage, x: number, y: number) {
  for (let ty = 0; ty < tile.height; ty++) {
    const src = ty * tile.width * 3;
    const dst = ((y + ty) * target.width + x) * 3;
    target.pixels.set(tile.pixels.subarray(src, src + tile.width * 3), dst);
  }
}

function fillRect(
  target: RasterImage,
  x: number,
  y: number,
  w: number,
  h: number,
  value: number,
) {
  for (let ty = 0; ty < h; ty++) {
    const start = ((y + ty) * target.width + x) * 3;
    target.pixels.fill(value, start, start + w * 3);
  }
}

/**
 * Builds a contact sheet (RGB): a title line (optional), column headers,
 * then one row per row label, with the row label on the left and one tile
 * per column. Every tile slot has the size of the largest (scaled) tile,
 * widened to fit the widest column header; tiles are centred in their slot.
 *
 * @param options See {@linkcode ContactSheetOptions}.
 * @returns The sheet.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeContactSheet } from "./contact_sheet.ts";
 * const tile = { pixels: new Uint8Array(30 * 30), width: 30, height: 30, channels: 1 as const };
 * const sheet = makeContactSheet({
 *   rows: ["mlp", "dcgan"], cols: ["ns", "hinge"],
 *   tile: (r, c) => (r === "mlp" ? tile : undefined),
 * });
 * assert.equal(sheet.channels, 3);
 * assert.equal(sheet.pixels.length, sheet.width * sheet.height * 3);
 * ```
 */
export function makeContactSheet(options: ContactSheetOptions): RasterImage {
  const maxTile = options.maxTile ?? 256;
  const scale = options.fontScale ?? 2;
  const gap = options.gap ?? 8;
  const { rows, cols } = options;
  const tiles = new Map<string, RasterImage>();
  let slotW = 0;
  let slotH = 0;
  for (const r of rows) {
    for (const c of cols) {
      const raw = options.tile(r, c);
      if (!raw) continue;
      const factor = Math.max(
        1,
        Math.ceil(Math.max(raw.width, raw.height) / maxTile),
      );
      const t = shrink(toRgb(raw), factor);
      tiles.set(JSON.stringify([r, c]), t);
      slotW = Math.max(slotW, t.width);
      slotH = Math.max(slotH, t.height);
    }
  }
  const naWidth = textWidth("n/a", scale);
  if (tiles.size === 0) {
    slotW = slotH = Math.min(maxTile, 64);
  }
  // Wide enough for "n/a" and for every column header at full size.
  slotW = Math.max(
    slotW,
    naWidth + 4,
    ...cols.map((c) => textWidth(c, scale)),
  );
  slotH = Math.max(slotH, GLYPH_HEIGHT * scale + 4);
  const labelH = GLYPH_HEIGHT * scale;
  const rowLabelW = Math.max(0, ...rows.map((r) => textWidth(r, scale)));
  const titleH = options.title ? labelH + gap : 0;
  const gridLeft = gap + rowLabelW + gap;
  const gridTop = gap + titleH + labelH + gap;
  const width = Math.max(
    gridLeft + cols.length * (slotW + gap),
    options.title ? gap * 2 + textWidth(options.title, scale) : 0,
  );
  const height = gridTop + rows.length * (slotH + gap);
  const sheet: RasterImage = {
    pixels: new Uint8Array(width * height * 3).fill(BACKGROUND),
    width,
    height,
    channels: 3,
  };
  if (options.title) {
    drawText(sheet, options.title, gap, gap, { scale, color: TEXT });
  }
  cols.forEach((c, j) => {
    const x = gridLeft + j * (slotW + gap) +
      Math.floor((slotW - textWidth(c, scale)) / 2);
    drawText(sheet, c, x, gap + titleH, { scale, color: TEXT });
  });
  rows.forEach((r, i) => {
    const top = gridTop + i * (slotH + gap);
    drawText(sheet, r, gap, top + Math.floor((slotH - labelH) / 2), {
      scale,
      color: TEXT,
    });
    cols.forEach((c, j) => {
      const left = gridLeft + j * (slotW + gap);
      const t = tiles.get(JSON.stringify([r, c]));
      if (t) {
        blit(
          sheet,
          t,
          left + Math.floor((slotW - t.width) / 2),
          top + Math.floor((slotH - t.height) / 2),
        );
      } else {
        fillRect(sheet, left, top, slotW, slotH, MISSING);
        drawText(
          sheet,
          "n/a",
          left + Math.floor((slotW - naWidth) / 2),
          top + Math.floor((slotH - labelH) / 2),
          { scale, color: MISSING_TEXT },
        );
      }
    });
  });
  return sheet;
}

/** The axis values of a cell, as the contact sheet needs them. */
export interface SheetCell {
  /** Cell id (the directory under `grids/`). */
  id: string;
  /** Data set id. */
  dataset: string;
  /** Variant id. */
  variant: string;
  /** Loss id. */
  loss: string;
  /** Seed. */
  seed: number;
}

/**
 * The path of a cell's final grid: `grids/<cell>/<step>.png` with the
 * largest step, or `undefined` when the cell has none.
 *
 * @param runDir The run directory.
 * @param cellId The cell id.
 * @returns The path, or `undefined`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finalGridPath } from "./contact_sheet.ts";
 * const run = await Deno.makeTempDir();
 * assert.equal(await finalGridPath(run, "mnist-mlp-ns-s0"), undefined);
 * await Deno.mkdir(`${run}/grids/mnist-mlp-ns-s0`, { recursive: true });
 * for (const step of [20, 40]) {
 *   await Deno.writeFile(`${run}/grids/mnist-mlp-ns-s0/${step}.png`, new Uint8Array());
 * }
 * assert.equal(
 *   await finalGridPath(run, "mnist-mlp-ns-s0"),
 *   `${run}/grids/mnist-mlp-ns-s0/40.png`,
 * );
 * ```
 */
export async function finalGridPath(
  runDir: string,
  cellId: string,
): Promise<string | undefined> {
  const dir = gridsDir(runDir, cellId);
  let best = -1;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const m = /^(\d+)\.png$/.exec(entry.name);
      if (entry.isFile && m) best = Math.max(best, Number(m[1]));
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return best < 0 ? undefined : join(dir, `${best}.png`);
}

/**
 * Writes `grids/contact_sheet.png` of a run: rows = variants (prefixed by
 * the data set when the run has several), columns = losses, each tile the
 * final grid of the first seed (in cell order) of that combination that
 * has a grid.
 *
 * @param runDir The run directory.
 * @param cells The run's cells, in matrix order.
 * @param options Layout options passed to {@linkcode makeContactSheet}.
 * @returns The path written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeRunContactSheet } from "./contact_sheet.ts";
 * const run = await Deno.makeTempDir();
 * const path = await writeRunContactSheet(run, [
 *   { id: "mnist-mlp-ns-s0", dataset: "mnist", variant: "mlp", loss: "ns", seed: 0 },
 * ]);
 * assert.equal(path, `${run}/grids/contact_sheet.png`);
 * ```
 */
export async function writeRunContactSheet(
  runDir: string,
  cells: readonly SheetCell[],
  options: Pick<
    ContactSheetOptions,
    "maxTile" | "fontScale" | "gap" | "title"
  > = {},
): Promise<string> {
  const datasets = [...new Set(cells.map((c) => c.dataset))];
  const rowOf = (c: SheetCell) =>
    datasets.length > 1 ? `${c.dataset} ${c.variant}` : c.variant;
  const rows = [...new Set(cells.map(rowOf))];
  const cols = [...new Set(cells.map((c) => c.loss))];
  const tiles = new Map<string, RasterImage>();
  for (const cell of cells) {
    const key = JSON.stringify([rowOf(cell), cell.loss]);
    if (tiles.has(key)) continue;
    const path = await finalGridPath(runDir, cell.id);
    if (path) tiles.set(key, await readPng(path));
  }
  const sheet = makeContactSheet({
    ...options,
    rows,
    cols,
    tile: (r, c) => tiles.get(JSON.stringify([r, c])),
  });
  const out = contactSheetPath(runDir);
  await writePng(out, sheet);
  return out;
}

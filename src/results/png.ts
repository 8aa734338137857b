/**
 * PNG encoding and decoding of 8-bit images (gray, gray+alpha, RGB, RGBA)
 * with `pngjs`, and atomic PNG files (temporary file, then rename), so a
 * killed process never leaves a truncated grid.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { dirname } from "node:path";
import { PNG } from "pngjs";

/** An 8-bit image, row-major, channels interleaved (HWC). */
export interface RasterImage {
  /** `width * height * channels` bytes. */
  pixels: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
}

/** PNG colour type by channel count. */
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

interface PngLike {
  width: number;
  height: number;
  data: Buffer;
  colorType?: number;
  alpha?: boolean;
}

interface PngSync {
  sync: {
    write(png: PngLike, options: Record<string, unknown>): Buffer;
    read(data: Buffer): PngLike;
  };
}

const png = PNG as unknown as PngSync;

function checkImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): void {
  if (
    !Number.isInteger(width) || !Number.isInteger(height) || width < 1 ||
    height < 1
  ) {
    throw new Error(`encodePng: bad size ${width}×${height}`);
  }
  if (!(channels in COLOR_TYPE)) {
    throw new Error(
      `encodePng: channels must be 1, 2, 3 or 4, got ${channels}`,
    );
  }
  if (pixels.length !== width * height * channels) {
    throw new Error(
      `encodePng: expected ${width}×${height}×${channels} = ${
        width * height * channels
      } bytes, got ${pixels.length}`,
    );
  }
}

/**
 * Encodes an 8-bit image as PNG (same colour type as the input: gray,
 * gray+alpha, RGB or RGBA).
 *
 * @param pixels `width * height * channels` bytes, row-major HWC.
 * @param width Width in pixels.
 * @param height Height in pixels.
 * @param channels 1, 2, 3 or 4.
 * @returns The PNG file bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png.ts";
 * const bytes = encodePng(new Uint8Array([0, 255, 128, 64]), 2, 2, 1);
 * assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Uint8Array {
  checkImage(pixels, width, height, channels);
  const colorType = COLOR_TYPE[channels];
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length);
  const out = png.sync.write({ width, height, data }, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 2 || channels === 4,
    bitDepth: 8,
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * Decodes a PNG into 8-bit pixels with the file's channel count (a palette
 * image comes back as RGB, or RGBA when it has transparency).
 *
 * @param bytes The PNG file bytes.
 * @returns The image.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePng, encodePng } from "./png.ts";
 * const img = decodePng(encodePng(new Uint8Array([1, 2, 3]), 1, 1, 3));
 * assert.deepEqual([...img.pixels], [1, 2, 3]);
 * assert.equal(img.channels, 3);
 * ```
 */
export function decodePng(bytes: Uint8Array): RasterImage {
  const decoded = png.sync.read(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
  );
  const channels: 1 | 2 | 3 | 4 = decoded.colorType === 0
    ? 1
    : decoded.colorType === 4
    ? 2
    : decoded.colorType === 2
    ? 3
    : decoded.colorType === 3
    ? (decoded.alpha ? 4 : 3)
    : 4;
  const { width, height } = decoded;
  const rgba = decoded.data;
  const pixels = new Uint8Array(width * height * channels);
  const pick = channels === 1
    ? [0]
    : channels === 2
    ? [0, 3]
    : channels === 3
    ? [0, 1, 2]
    : [0, 1, 2, 3];
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < channels; k++) {
      pixels[p * channels + k] = rgba[p * 4 + pick[k]];
    }
  }
  return { pixels, width, height, channels };
}

/**
 * Writes bytes atomically: to a temporary file beside `path`, then renamed
 * over it. Parent directories are created.
 *
 * @param path The destination.
 * @param bytes The content.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./png.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/x.bin`, new Uint8Array([1, 2]));
 * assert.deepEqual([...await Deno.readFile(`${dir}/x.bin`)], [1, 2]);
 * ```
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
}

/**
 * Encodes an image and writes it atomically as a PNG file.
 *
 * @param path The `.png` file.
 * @param image The image.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writePng } from "./png.ts";
 * const dir = await Deno.makeTempDir();
 * await writePng(`${dir}/g.png`, { pixels: new Uint8Array(4), width: 2, height: 2, channels: 1 });
 * assert.ok((await Deno.stat(`${dir}/g.png`)).size > 0);
 * ```
 */
export async function writePng(
  path: string,
  image: RasterImage,
): Promise<void> {
  await writeFileAtomic(
    path,
    encodePng(image.pixels, image.width, image.height, image.channels),
  );
}

/**
 * Reads and decodes a PNG file.
 *
 * @param path The file.
 * @returns The image.
 * @throws Error One line naming the file when it is missing or not a PNG.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readPng, writePng } from "./png.ts";
 * const dir = await Deno.makeTempDir();
 * await writePng(`${dir}/r.png`, { pixels: new Uint8Array([7]), width: 1, height: 1, channels: 1 });
 * const img = await readPng(`${dir}/r.png`);
 * assert.deepEqual([...img.pixels], [7]);
 * ```
 */
export async function readPng(path: string): Promise<RasterImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(
      `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  try {
    return decodePng(bytes);
  } catch (e) {
    throw new Error(
      `${path}: not a valid PNG (${
        e instanceof Error ? e.message : String(e)
      })`,
    );
  }
}

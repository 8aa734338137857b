/**
 * A reader for the IDX format of MNIST and Fashion-MNIST: a big-endian
 * header (magic `0x00000803` for 3-d uint8 images, `0x00000801` for 1-d
 * uint8 labels, then one uint32 per dimension) followed by the raw bytes.
 * Files may be plain or gzipped (detected by the `1f 8b` magic).
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { errorText } from "../util/errors.ts";

/** The magic number of a 3-d uint8 IDX file (images). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** The magic number of a 1-d uint8 IDX file (labels). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** What an IDX file holds. */
export type IdxKind = "images" | "labels";

/** A parsed IDX file. */
export interface IdxData {
  /** The dimensions from the header, e.g. `[60000, 28, 28]`. */
  dims: number[];
  /** The payload (a view into the file content, no copy). */
  data: Uint8Array;
}

/**
 * True when the bytes start with the gzip magic `1f 8b`.
 *
 * @param bytes File bytes.
 * @returns Whether the bytes are gzip-compressed.
 * @example
 * ```ts
 * import { isGzip } from "./idx.ts";
 * isGzip(new Uint8Array([0x1f, 0x8b, 8])); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzipped bytes; plain bytes are returned unchanged.
 *
 * @param bytes File bytes.
 * @param path The file name used in errors.
 * @returns The uncompressed content.
 * @example
 * ```ts
 * import { maybeGunzip } from "./idx.ts";
 * maybeGunzip(new Uint8Array([0, 0, 8, 1]), "x"); // unchanged
 * ```
 */
export function maybeGunzip(bytes: Uint8Array, path: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new Error(`${path}: corrupt gzip data (${errorText(e)})`);
  }
}

/**
 * Parses the content of an (uncompressed) IDX file and validates its magic
 * number and exact size.
 *
 * @param content The uncompressed file content.
 * @param path The file name used in errors.
 * @param kind `images` (magic 0x00000803, 3 dims) or `labels` (0x00000801, 1 dim).
 * @returns The dimensions and payload.
 * @example
 * ```ts
 * import { parseIdx } from "./idx.ts";
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
 * parseIdx(bytes, "labels", "labels"); // { dims: [2], data: [7, 3] }
 * ```
 */
export function parseIdx(
  content: Uint8Array,
  path: string,
  kind: IdxKind,
): IdxData {
  const expectedMagic = kind === "images" ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const ndim = kind === "images" ? 3 : 1;
  const headerBytes = 4 + 4 * ndim;
  if (content.length < 4) {
    throw new Error(
      `${path}: truncated: file has ${content.length} bytes, too short for an IDX header`,
    );
  }
  const view = new DataView(
    content.buffer,
    content.byteOffset,
    content.byteLength,
  );
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new Error(
      `${path}: wrong magic number ${hex32(magic)}, expected ${
        hex32(expectedMagic)
      } (IDX ${kind})`,
    );
  }
  if (content.length < headerBytes) {
    throw new Error(
      `${path}: truncated: expected a ${headerBytes}-byte header, found ${content.length} bytes`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (content.length < expected) {
    throw new Error(
      `${path}: truncated: expected ${expected} bytes, found ${content.length}`,
    );
  }
  if (content.length > expected) {
    throw new Error(
      `${path}: too long: expected ${expected} bytes, found ${content.length}`,
    );
  }
  return { dims, data: content.subarray(headerBytes) };
}

/**
 * Serialises an IDX file (the inverse of {@linkcode parseIdx}); used to
 * write test fixtures.
 *
 * @param kind `images` or `labels`.
 * @param dims The header dimensions (3 for images, 1 for labels).
 * @param data The payload; its length must equal the product of `dims`.
 * @returns The file content (uncompressed).
 * @example
 * ```ts
 * import { encodeIdx } from "./idx.ts";
 * encodeIdx("labels", [2], new Uint8Array([7, 3])).length; // 10
 * ```
 */
export function encodeIdx(
  kind: IdxKind,
  dims: number[],
  data: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, kind === "images" ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex32(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}

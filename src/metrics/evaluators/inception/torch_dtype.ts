/**
 * The element types of PyTorch storages: which pickled storage class means
 * which dtype, how many bytes an element takes, and the decoding of raw
 * little-endian storage bytes into `Float32Array` values.
 *
 * @module
 */

/** A dtype that the PyTorch file reader decodes (every one to float32). */
export type TorchDtype =
  | "float32"
  | "float64"
  | "float16"
  | "bfloat16"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint8"
  | "bool";

/**
 * The dtype of each legacy storage class that `torch.save` pickles as a
 * global (`torch.FloatStorage`, ...), keyed by class name.
 */
export const STORAGE_DTYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
};

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<TorchDtype, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

// Typed-array views use the platform's byte order; storages are little-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` little-endian elements of `dtype` from `bytes` into float32
 * (int64 values beyond 2^53 lose precision, as any float32 would).
 *
 * @param bytes The raw storage bytes, starting at the first element wanted.
 * @param dtype The element type.
 * @param count The number of elements.
 * @returns A new array of `count` values.
 * @throws {RangeError} When `bytes` holds fewer than `count` elements.
 * @example
 * ```ts
 * import { decodeStorage } from "./torch_dtype.ts";
 * const bytes = new Uint8Array(new Float32Array([1.5, -2]).buffer);
 * decodeStorage(bytes, "float32", 2); // Float32Array [1.5, -2]
 * ```
 */
export function decodeStorage(
  bytes: Uint8Array,
  dtype: TorchDtype,
  count: number,
): Float32Array {
  const size = DTYPE_BYTES[dtype] * count;
  if (bytes.length < size) {
    throw new RangeError(
      `${dtype} storage holds ${bytes.length} bytes, ${size} needed`,
    );
  }
  if (dtype === "float32" && LITTLE_ENDIAN) {
    // slice() copies into a fresh, aligned buffer: the fast path for weights
    return new Float32Array(bytes.slice(0, size).buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const out = new Float32Array(count);
  const read = elementReader(view, dtype);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

function elementReader(
  view: DataView,
  dtype: TorchDtype,
): (i: number) => number {
  switch (dtype) {
    case "float32":
      return (i) => view.getFloat32(4 * i, true);
    case "float64":
      return (i) => view.getFloat64(8 * i, true);
    case "float16":
      return (i) => halfToFloat(view.getUint16(2 * i, true));
    case "bfloat16":
      return (i) => bfloat16ToFloat(view.getUint16(2 * i, true));
    case "int64":
      return (i) => Number(view.getBigInt64(8 * i, true));
    case "int32":
      return (i) => view.getInt32(4 * i, true);
    case "int16":
      return (i) => view.getInt16(2 * i, true);
    case "int8":
      return (i) => view.getInt8(i);
    case "uint8":
      return (i) => view.getUint8(i);
    case "bool":
      return (i) => (view.getUint8(i) !== 0 ? 1 : 0);
  }
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

function bfloat16ToFloat(bits: number): number {
  U32[0] = bits << 16;
  return F32[0];
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

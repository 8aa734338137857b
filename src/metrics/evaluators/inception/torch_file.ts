/**
 * Reads a PyTorch state dict saved by `torch.save`, in TypeScript, so that
 * ganbench can load pytorch-fid's Inception weights without Python.
 *
 * Both formats of `torch.save` are read:
 *
 * - zip (the default since torch 1.6): `<prefix>/data.pkl` is the pickled
 *   state dict whose tensors name storages by persistent id, and
 *   `<prefix>/data/<key>` holds each storage's raw little-endian bytes
 *   (unzipped with `fflate`);
 * - legacy (`_use_new_zipfile_serialization=False`, and files written before
 *   torch 1.6): a magic-number pickle, the protocol version, `sys_info`, the
 *   state dict pickle, the pickled list of storage keys, then each storage as
 *   an int64 element count and its raw bytes.
 *
 * Pickles are run by `pickleparser` with a closed set of globals (see
 * `torch_pickle.ts`). Every tensor is returned as float32 values with its
 * original shape and dtype; tensors must be contiguous.
 *
 * @module
 */
import { unzipSync } from "fflate";
import { BufferReader } from "pickleparser";
import { errorText } from "../../../util/errors.ts";
import { decodeStorage, DTYPE_BYTES, type TorchDtype } from "./torch_dtype.ts";
import {
  legacySysInfo,
  type StorageRef,
  TensorRecord,
  unpickle,
} from "./torch_pickle.ts";

export type { TorchDtype } from "./torch_dtype.ts";

/** One tensor of a state dict. */
export interface TorchTensor {
  /** Its shape (`[]` for a scalar). */
  shape: number[];
  /** The dtype it was saved with. */
  dtype: TorchDtype;
  /** Its elements in row-major order, converted to float32. */
  data: Float32Array;
}

/** A state dict: parameter and buffer names to tensors, in file order. */
export type TorchStateDict = Map<string, TorchTensor>;

// protocol-2 pickle of torch's legacy magic number 0x1950a86a20f9469cfc6c
const LEGACY_MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a];
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const ZIP_END_RECORD = [0x50, 0x4b, 0x05, 0x06];
const LEGACY_PROTOCOL_VERSION = 1001;

/**
 * Reads a `torch.save` state dict file.
 *
 * @param path The `.pth` / `.pt` file.
 * @returns Its tensors by name, in file order.
 * @throws {Error} One line naming the file and what is wrong: missing,
 *   truncated, not a PyTorch file, not a plain state dict, an unsupported
 *   dtype or a non-contiguous tensor.
 * @example
 * ```ts ignore
 * import { readTorchFile } from "./torch_file.ts";
 * const weights = await readTorchFile("pt_inception-2015-12-05-6726825d.pth");
 * weights.get("fc.weight")?.shape; // [1008, 2048]
 * ```
 */
export async function readTorchFile(path: string): Promise<TorchStateDict> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read the PyTorch file (${errorText(e)})`);
  }
  return parseTorchFile(bytes, path);
}

/**
 * Parses the bytes of a `torch.save` state dict (see
 * {@linkcode readTorchFile}).
 *
 * @param bytes The whole file.
 * @param name The file name used in error messages.
 * @returns Its tensors by name, in file order.
 * @throws {Error} One line `<name>: <what is wrong>`.
 * @example
 * ```ts
 * import { parseTorchFile } from "./torch_file.ts";
 * try {
 *   parseTorchFile(new TextEncoder().encode("hello"), "x.pth");
 * } catch (e) {
 *   // "x.pth: not a PyTorch file (neither a zip archive nor a legacy torch.save pickle)"
 * }
 * ```
 */
export function parseTorchFile(
  bytes: Uint8Array,
  name: string,
): TorchStateDict {
  try {
    if (startsWith(bytes, ZIP_LOCAL_HEADER, 0)) return parseZip(bytes);
    const magicAt = findLegacyMagic(bytes);
    if (magicAt >= 0) return parseLegacy(bytes, magicAt);
  } catch (e) {
    throw new Error(`${name}: ${errorText(e)}`);
  }
  throw new Error(
    `${name}: not a PyTorch file (neither a zip archive nor a legacy torch.save pickle)`,
  );
}

function startsWith(bytes: Uint8Array, prefix: number[], at: number): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

// The magic pickle is `PROTO n [FRAME ...] LONG1 10 <magic> [MEMOIZE] STOP`.
function findLegacyMagic(bytes: Uint8Array): number {
  if (bytes[0] !== 0x80) return -1;
  for (let i = 2; i < Math.min(bytes.length, 16); i++) {
    if (startsWith(bytes, LEGACY_MAGIC, i)) return i;
  }
  return -1;
}

/** Runs a pickle, naming a pickle cut short as a truncated file. */
function unpickleNamed(
  reader: BufferReader,
  what: string,
  storages?: Map<string, StorageRef>,
): unknown {
  try {
    return unpickle(reader, storages);
  } catch (e) {
    const text = errorText(e);
    if (/end of file|end of line/i.test(text)) {
      throw new Error(`truncated file (the ${what} pickle ends early)`);
    }
    throw new Error(`${what} pickle: ${text}`);
  }
}

function parseZip(bytes: Uint8Array): TorchStateDict {
  if (!hasZipEndRecord(bytes)) {
    throw new Error("truncated file (zip archive without its end record)");
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`corrupt zip archive (${errorText(e)})`);
  }
  const pkl = Object.keys(files).find((f) => /^[^/]+\/data\.pkl$/.test(f));
  if (!pkl) {
    throw new Error("not a torch.save zip archive (no <name>/data.pkl)");
  }
  const prefix = pkl.slice(0, -"data.pkl".length);
  const byteorder = files[`${prefix}byteorder`];
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== "little") {
    throw new Error("big-endian storages are not supported");
  }
  const storages = new Map<string, StorageRef>();
  const dict = unpickleNamed(
    new BufferReader(files[pkl]),
    "data.pkl",
    storages,
  );
  return assemble(dict, (ref) => {
    const data = files[`${prefix}data/${ref.key}`];
    if (!data) throw new Error(`storage ${prefix}data/${ref.key} is missing`);
    return data;
  });
}

// The end-of-central-directory record lies in the last 22 + 65535 bytes.
function hasZipEndRecord(bytes: Uint8Array): boolean {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (startsWith(bytes, ZIP_END_RECORD, i)) return true;
  }
  return false;
}

function parseLegacy(bytes: Uint8Array, magicAt: number): TorchStateDict {
  const stopAt = bytes.indexOf(0x2e, magicAt + 2 + 10); // STOP
  if (stopAt < 0) throw new Error("truncated file (in the magic number)");
  const reader = new BufferReader(bytes.subarray(stopAt + 1));
  const version = unpickleNamed(reader, "protocol version");
  if (version !== LEGACY_PROTOCOL_VERSION) {
    throw new Error(`unsupported legacy protocol version ${String(version)}`);
  }
  const sysInfo = legacySysInfo(unpickleNamed(reader, "sys_info"));
  if (!sysInfo.littleEndian) {
    throw new Error("big-endian storages are not supported");
  }
  const storages = new Map<string, StorageRef>();
  const dict = unpickleNamed(reader, "state dict", storages);
  const keys = unpickleNamed(reader, "storage keys");
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) {
    throw new Error("malformed storage key list");
  }
  // Storages follow in key-list order: int64 element count, then the bytes.
  const data = new Map<string, Uint8Array>();
  let pos = stopAt + 1 + reader.position;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys as string[]) {
    const ref = storages.get(key);
    if (!ref) throw new Error(`storage ${key} is listed but never used`);
    if (pos + 8 > bytes.length) {
      throw new Error(`truncated file (before storage ${key})`);
    }
    const numel = Number(view.getBigInt64(pos, true));
    const size = numel * DTYPE_BYTES[ref.dtype];
    pos += 8;
    if (pos + size > bytes.length) {
      throw new Error(
        `truncated file (storage ${key} needs ${size} bytes, ${
          bytes.length - pos
        } left)`,
      );
    }
    data.set(key, bytes.subarray(pos, pos + size));
    pos += size;
  }
  return assemble(dict, (ref) => {
    const found = data.get(ref.key);
    if (!found) throw new Error(`storage ${ref.key} is missing`);
    return found;
  });
}

/** Turns the unpickled state dict into tensors, reading each storage. */
function assemble(
  dict: unknown,
  storageBytes: (ref: StorageRef) => Uint8Array,
): TorchStateDict {
  if (!(dict instanceof Map)) {
    throw new Error("not a state dict (the pickle holds no dict of tensors)");
  }
  const out: TorchStateDict = new Map();
  for (const [key, value] of dict) {
    if (typeof key !== "string" || !(value instanceof TensorRecord)) {
      throw new Error(
        `not a plain state dict (entry ${String(key)} is not a tensor)`,
      );
    }
    out.set(key, readTensor(key, value, storageBytes(value.storage)));
  }
  return out;
}

function readTensor(
  name: string,
  record: TensorRecord,
  bytes: Uint8Array,
): TorchTensor {
  const { storage, offset, shape, stride } = record;
  const numel = shape.reduce((a, b) => a * b, 1);
  // Contiguous (row-major) strides; a dimension of size 1 may have any stride.
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && numel > 0 && stride[d] !== expected) {
      throw new Error(
        `tensor ${name} is not contiguous (shape [${shape}], stride [${stride}])`,
      );
    }
    expected *= shape[d];
  }
  const itemBytes = DTYPE_BYTES[storage.dtype];
  if (offset < 0 || offset + numel > storage.numel) {
    throw new Error(
      `tensor ${name} (offset ${offset}, ${numel} elements) overruns its storage of ${storage.numel}`,
    );
  }
  if (bytes.length < storage.numel * itemBytes) {
    throw new Error(
      `truncated file (storage ${storage.key} has ${bytes.length} bytes, ${
        storage.numel * itemBytes
      } expected)`,
    );
  }
  return {
    shape: [...shape],
    dtype: storage.dtype,
    data: decodeStorage(
      bytes.subarray(offset * itemBytes),
      storage.dtype,
      numel,
    ),
  };
}

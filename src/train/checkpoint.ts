/**
 * Training checkpoints: named tensors (G, D, optimizer state, BatchNorm
 * statistics) plus a JSON state object, in one file written atomically
 * (temporary file, then rename), so an interrupted write never replaces a
 * good checkpoint with a partial one.
 *
 * File layout: the ASCII magic `GANBENCHCKPT1\n`, a little-endian uint32
 * header length, the UTF-8 JSON header `{ step, state, tensors: [{ name,
 * dtype, shape, offset, bytes }] }`, then the raw tensor bytes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { parseJsonText } from "../util/json.ts";

const MAGIC = new TextEncoder().encode("GANBENCHCKPT1\n");

/** A tensor with the name it is stored under. */
export interface NamedTensor {
  /** Unique name, e.g. `D/conv0/kernel` or `optD/D/conv0/kernel/m`. */
  name: string;
  /** The value; not disposed by the checkpoint functions. */
  tensor: tf.Tensor;
}

/** What a checkpoint holds. */
export interface Checkpoint {
  /** The number of completed training steps. */
  step: number;
  /** JSON-serialisable state (accumulators, counters, config hash). */
  state: Record<string, unknown>;
  /** The tensors by name (owned by the caller after reading). */
  tensors: NamedTensor[];
}

interface TensorEntry {
  name: string;
  dtype: tf.DataType;
  shape: number[];
  offset: number;
  bytes: number;
}

/**
 * Writes a checkpoint atomically: to `path.tmp`, then renamed over `path`.
 *
 * @param path The checkpoint file.
 * @param checkpoint The step, state and tensors to store.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 * const w = tf.tensor1d([1, 2, 3]);
 * await writeCheckpoint("/tmp/c.ckpt", { step: 10, state: {}, tensors: [{ name: "w", tensor: w }] });
 * const back = await readCheckpoint("/tmp/c.ckpt"); // back!.step === 10
 * ```
 */
export async function writeCheckpoint(
  path: string,
  checkpoint: Checkpoint,
): Promise<void> {
  const names = new Set<string>();
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of checkpoint.tensors) {
    if (names.has(name)) {
      throw new Error(`checkpoint ${path}: duplicate tensor name '${name}'`);
    }
    names.add(name);
    const values = await tensor.data();
    const bytes = new Uint8Array(
      values.buffer.slice(
        values.byteOffset,
        values.byteOffset + values.byteLength,
      ) as ArrayBuffer,
    );
    entries.push({
      name,
      dtype: tensor.dtype,
      shape: tensor.shape,
      offset,
      bytes: bytes.byteLength,
    });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header = new TextEncoder().encode(JSON.stringify({
    step: checkpoint.step,
    state: checkpoint.state,
    tensors: entries,
  }));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.byteLength, true);
  const tmp = `${path}.tmp`;
  const file = await Deno.open(tmp, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    for (const part of [MAGIC, length, header, ...chunks]) {
      let written = 0;
      while (written < part.byteLength) {
        written += await file.write(part.subarray(written));
      }
    }
    await file.syncData();
  } finally {
    file.close();
  }
  await Deno.rename(tmp, path);
}

/**
 * Reads a checkpoint written by {@linkcode writeCheckpoint}.
 *
 * @param path The checkpoint file.
 * @returns The checkpoint, or `null` when the file does not exist.
 * @throws Error naming the file when it is truncated or not a checkpoint.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let data: Uint8Array;
  try {
    data = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const fail = (what: string): never => {
    throw new Error(`checkpoint ${path}: ${what}`);
  };
  if (
    data.byteLength < MAGIC.byteLength + 4 ||
    !MAGIC.every((b, i) => data[i] === b)
  ) {
    fail("not a ganbench checkpoint (bad magic)");
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerLength = view.getUint32(MAGIC.byteLength, true);
  const bodyStart = MAGIC.byteLength + 4 + headerLength;
  if (bodyStart > data.byteLength) fail("truncated header");
  const header = parseJsonText(
    new TextDecoder().decode(data.subarray(MAGIC.byteLength + 4, bodyStart)),
    `checkpoint ${path}`,
  ) as { step: number; state: Record<string, unknown>; tensors: TensorEntry[] };
  const tensors: NamedTensor[] = header.tensors.map((entry) => {
    const start = bodyStart + entry.offset;
    if (start + entry.bytes > data.byteLength) {
      fail(`truncated data for tensor '${entry.name}'`);
    }
    const raw = data.slice(start, start + entry.bytes).buffer;
    const values = entry.dtype === "int32"
      ? new Int32Array(raw)
      : entry.dtype === "bool"
      ? new Uint8Array(raw)
      : new Float32Array(raw);
    return {
      name: entry.name,
      tensor: tf.tensor(values, entry.shape, entry.dtype),
    };
  });
  return { step: header.step, state: header.state, tensors };
}

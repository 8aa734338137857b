/**
 * Unpickling of `torch.save` pickles with the `pickleparser` package, which
 * runs the pickle opcodes (protocol 0–5) and hands globals and persistent ids
 * to resolvers we supply. Only the few globals a state dict needs resolve
 * (`collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and kin, the
 * `torch.*Storage` classes); any other global is refused, so a pickle never
 * makes us run or build anything else.
 *
 * A tensor unpickles to a {@linkcode TensorRecord} (its storage reference,
 * offset, shape and stride); the caller reads the storage bytes.
 *
 * @module
 */
import { type BufferReader, Parser } from "pickleparser";
import { STORAGE_DTYPES, type TorchDtype } from "./torch_dtype.ts";

/** A storage named by a pickle's persistent id. */
export interface StorageRef {
  /** The storage's key (`data/<key>` in a zip file, the list entry in a legacy one). */
  readonly key: string;
  /** Its element type. */
  readonly dtype: TorchDtype;
  /** Its number of elements. */
  readonly numel: number;
}

/** A tensor as pickled: a view of a storage. */
export class TensorRecord {
  /**
   * @param storage The storage holding the elements.
   * @param offset The index of the first element in the storage.
   * @param shape The tensor's shape.
   * @param stride The step in elements along each dimension.
   */
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** The `sys_info` pickle of a legacy file. */
export interface LegacySysInfo {
  /** Whether the writing machine was little-endian. */
  readonly littleEndian: boolean;
}

type Fn = (...args: unknown[]) => unknown;

// Storage classes resolve to marker functions that remember their dtype.
const STORAGE_MARKERS = new Map<Fn, TorchDtype>();
const STORAGE_BY_NAME = new Map<string, Fn>(
  Object.entries(STORAGE_DTYPES).map(([name, dtype]) => {
    const marker: Fn = () => {
      throw new Error(`torch.${name} called as a function`);
    };
    STORAGE_MARKERS.set(marker, dtype);
    return [name, marker];
  }),
);

function isIntArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => Number.isSafeInteger(v));
}

function rebuildTensor(...args: unknown[]): TensorRecord {
  const [storage, offset, shape, stride] = args;
  if (
    !(typeof storage === "object" && storage !== null && "key" in storage) ||
    !Number.isSafeInteger(offset) || !isIntArray(shape) ||
    !isIntArray(stride) || shape.length !== stride.length
  ) {
    throw new Error("malformed tensor record (storage, offset, size, stride)");
  }
  return new TensorRecord(
    storage as StorageRef,
    offset as number,
    shape,
    stride,
  );
}

const GLOBALS: ReadonlyMap<string, Fn> = new Map<string, Fn>([
  ["collections.OrderedDict", () => new Map()],
  ["torch._utils._rebuild_tensor_v2", rebuildTensor],
  ["torch._utils._rebuild_tensor", rebuildTensor],
  // an nn.Parameter saved as such: (data, requires_grad, backward_hooks)
  ["torch._utils._rebuild_parameter", (data) => data],
]);

function resolveGlobal(module: string, name: string): Fn {
  const fn = GLOBALS.get(`${module}.${name}`) ??
    (module === "torch" ? STORAGE_BY_NAME.get(name) : undefined);
  if (!fn) {
    const what = module === "torch" && name.endsWith("Storage")
      ? `unsupported dtype (torch.${name})`
      : `unsupported pickle global ${module}.${name} (not a plain state dict)`;
    throw new Error(what);
  }
  return fn;
}

function resolvePersistentId(
  pid: unknown,
  storages: Map<string, StorageRef>,
): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== "storage") {
    throw new Error(`unsupported persistent id ${JSON.stringify(pid)}`);
  }
  const [, type, key, , numel, viewMetadata] = pid;
  const dtype = STORAGE_MARKERS.get(type as Fn);
  if (dtype === undefined) throw new Error("storage of unknown type");
  if (typeof key !== "string" || !Number.isSafeInteger(numel)) {
    throw new Error("malformed storage id");
  }
  if (viewMetadata !== undefined && viewMetadata !== null) {
    throw new Error("storage views (files of torch < 1.0) are not supported");
  }
  let ref = storages.get(key);
  if (!ref) {
    ref = { key, dtype, numel: numel as number };
    storages.set(key, ref);
  }
  return ref;
}

/**
 * Runs one pickle from `reader` (which is left just past its STOP opcode).
 *
 * @param reader The byte reader, positioned at the pickle.
 * @param storages Where the storages named by persistent ids are collected
 *   (by key); omit for pickles that must not name storages.
 * @returns The unpickled object: dicts as `Map`s, tuples and lists as arrays,
 *   tensors as {@linkcode TensorRecord}s.
 * @throws {Error} On an unsupported global, persistent id or opcode, or a
 *   pickle cut short ("Unexpected end of file").
 * @example
 * ```ts
 * import { BufferReader } from "pickleparser";
 * import { unpickle } from "./torch_pickle.ts";
 * // pickle.dumps({"a": 1}, protocol=2)
 * const bytes = new Uint8Array([
 *   0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1, 0x73, 0x2e,
 * ]);
 * unpickle(new BufferReader(bytes)); // Map { "a" => 1 }
 * ```
 */
export function unpickle(
  reader: BufferReader,
  storages?: Map<string, StorageRef>,
): unknown {
  const parser = new Parser({
    nameResolver: { resolve: resolveGlobal },
    persistentResolver: {
      resolve: (pid: unknown) => {
        if (!storages) throw new Error("unexpected persistent id");
        return resolvePersistentId(pid, storages);
      },
    },
    unpicklingTypeOfDictionary: "Map",
  });
  return parser.read(reader);
}

/**
 * Reads the `sys_info` pickle of a legacy file (a dict with
 * `protocol_version`, `little_endian` and `type_sizes`).
 *
 * @param value The unpickled object.
 * @returns The fields the reader needs.
 * @throws {Error} When `value` is not such a dict.
 * @example
 * ```ts
 * import { legacySysInfo } from "./torch_pickle.ts";
 * legacySysInfo(new Map([["little_endian", true]])).littleEndian; // true
 * ```
 */
export function legacySysInfo(value: unknown): LegacySysInfo {
  if (
    !(value instanceof Map) || typeof value.get("little_endian") !== "boolean"
  ) {
    throw new Error("malformed sys_info record");
  }
  return { littleEndian: value.get("little_endian") };
}

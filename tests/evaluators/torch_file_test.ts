/**
 * Tests of the PyTorch state dict reader on small files written by torch 1.13
 * (`tests/fixtures/torch/make_torch_fixtures.py`) in both `torch.save`
 * formats, and on truncated, foreign and hostile files.
 *
 * @module
 */
import { zipSync } from "fflate";
import { deepEqual, equal, match, ok, rejects, throws } from "../_assert.ts";
import {
  parseTorchFile,
  readTorchFile,
} from "../../src/metrics/evaluators/inception/torch_file.ts";

const DIR = new URL("../fixtures/torch/", import.meta.url);

interface Expected {
  shape: number[];
  dtype: string;
  values: number[];
}

const EXPECTED = JSON.parse(
  await Deno.readTextFile(new URL("expected.json", DIR)),
) as { files: Record<string, Record<string, Expected>> };

const fixture = (name: string) => new URL(name, DIR).pathname;

for (
  const file of [
    "fid_like_zip.pth",
    "fid_like_legacy.pth",
    "views_dtypes_zip.pth",
    "views_dtypes_legacy.pth",
  ]
) {
  Deno.test(`readTorchFile reads ${file} exactly`, async () => {
    const dict = await readTorchFile(fixture(file));
    const expected = EXPECTED.files[file];
    deepEqual([...dict.keys()], Object.keys(expected), "keys in file order");
    for (const [key, want] of Object.entries(expected)) {
      const got = dict.get(key)!;
      deepEqual(got.shape, want.shape, key);
      equal(got.dtype, want.dtype, key);
      ok(got.data instanceof Float32Array, key);
      // float32 values are exact in JSON: compare bit for bit
      deepEqual(Array.from(got.data), want.values, key);
    }
  });
}

Deno.test("readTorchFile: the FID name pattern, scalars and offsets", async () => {
  const fid = await readTorchFile(fixture("fid_like_legacy.pth"));
  deepEqual(fid.get("Mixed_5b.branch1x1.conv.weight")?.shape, [2, 4, 1, 1]);
  const tracked = fid.get("Conv2d_1a_3x3.bn.num_batches_tracked")!;
  deepEqual([tracked.shape, tracked.dtype, tracked.data.length], [
    [],
    "int64",
    1,
  ]);
  // views_dtypes: base = 0.25 i - 1; offset_view = base[5:11], shared_a = base[0:4]
  const views = await readTorchFile(fixture("views_dtypes_zip.pth"));
  deepEqual(Array.from(views.get("offset_view")!.data), [
    0.25,
    0.5,
    0.75,
    1,
    1.25,
    1.5,
  ]);
  deepEqual(Array.from(views.get("shared_a")!.data), [-1, -0.75, -0.5, -0.25]);
});

Deno.test("readTorchFile: zip and legacy files of one state dict agree", async () => {
  const zip = await readTorchFile(fixture("fid_like_zip.pth"));
  const legacy = await readTorchFile(fixture("fid_like_legacy.pth"));
  deepEqual(zip, legacy);
});

Deno.test("readTorchFile refuses a non-contiguous tensor", async () => {
  await rejects(
    readTorchFile(fixture("noncontiguous_zip.pth")),
    /noncontiguous_zip\.pth: tensor fc\.weight is not contiguous \(shape \[3,2\], stride \[1,3\]\)$/,
  );
});

for (const file of ["fid_like_zip.pth", "fid_like_legacy.pth"]) {
  Deno.test(`parseTorchFile: every truncation of ${file} is a one-line error`, async () => {
    const bytes = await Deno.readFile(fixture(file));
    // below 16 bytes not even the legacy magic number is whole
    for (let cut = 16; cut < bytes.length; cut++) {
      throws(
        () => parseTorchFile(bytes.subarray(0, cut), "w.pth"),
        (e: Error) => {
          match(e.message, /^w\.pth: truncated file \(.*\)$/, `cut ${cut}`);
          return true;
        },
      );
    }
  });
}

Deno.test("readTorchFile: a missing file, a foreign file, a foreign zip", async () => {
  await rejects(
    readTorchFile(fixture("absent.pth")),
    /absent\.pth: cannot read the PyTorch file \(/,
  );
  await rejects(
    readTorchFile(fixture("expected.json")),
    /expected\.json: not a PyTorch file \(neither a zip archive nor a legacy torch\.save pickle\)$/,
  );
  const zip = zipSync({ "a/readme.txt": new TextEncoder().encode("hi") });
  throws(
    () => parseTorchFile(zip, "x.zip"),
    /^Error: x\.zip: not a torch\.save zip archive \(no <name>\/data\.pkl\)$/,
  );
  // a plain pickle (no torch magic number): pickle.dumps({"a": 1}, protocol=2)
  const pickle = new Uint8Array([
    0x80,
    2,
    0x7d,
    0x71,
    0,
    0x58,
    1,
    0,
    0,
    0,
    0x61,
    0x71,
    1,
    0x4b,
    1,
    0x73,
    0x2e,
  ]);
  throws(() => parseTorchFile(pickle, "p.pkl"), /p\.pkl: not a PyTorch file/);
});

/** A zip-format file whose data.pkl is a protocol-0 pickle of one tensor. */
function handMadeFile(storageClass: string, global = ""): Uint8Array {
  const pkl = "ccollections\nOrderedDict\n)R(Vw\n" + global +
    "ctorch._utils\n_rebuild_tensor_v2\n" +
    `((Vstorage\nctorch\n${storageClass}\nV0\nVcpu\nI2\ntQI1\n(I1\nt(I1\nt` +
    "I00\nccollections\nOrderedDict\n)RtRu.";
  return zipSync({
    "archive/data.pkl": new TextEncoder().encode(pkl),
    "archive/data/0": new Uint8Array(new Float32Array([1.5, -2.5]).buffer),
  }, { level: 6 });
}

Deno.test("parseTorchFile reads a hand-made protocol-0, deflated file", () => {
  const dict = parseTorchFile(handMadeFile("FloatStorage"), "h.pth");
  // offset 1 into a storage of two elements
  deepEqual(
    dict,
    new Map([["w", {
      shape: [1],
      dtype: "float32",
      data: new Float32Array([-2.5]),
    }]]),
  );
});

Deno.test("parseTorchFile refuses unsupported dtypes and foreign globals", () => {
  throws(
    () => parseTorchFile(handMadeFile("ComplexFloatStorage"), "c.pth"),
    /^Error: c\.pth: data\.pkl pickle: unsupported dtype \(torch\.ComplexFloatStorage\)$/,
  );
  // a pickle that would call os.system must not run anything
  throws(
    () =>
      parseTorchFile(
        handMadeFile("FloatStorage", "cos\nsystem\n(Vecho\ntR0"),
        "evil.pth",
      ),
    /^Error: evil\.pth: data\.pkl pickle: unsupported pickle global os\.system \(not a plain state dict\)$/,
  );
});

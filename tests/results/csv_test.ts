import { assert } from "../_assert.ts";
import { join } from "node:path";
import {
  csvRecords,
  CsvWriter,
  formatCsvValue,
  parseCsv,
  readCsv,
  writeCsvFile,
} from "../../src/results/csv.ts";
import { METRICS_COLUMN_NAMES } from "../../src/results/columns.ts";

async function withDir(fn: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("csv: round trip of numbers, text needing quotes and empty values", () =>
  withDir((dir) => {
    const path = join(dir, "sub", "m.csv");
    const w = CsvWriter.open(path, ["cell", "x", "note"]);
    w.append({ cell: "mnist-mlp-ns-s0", x: 0.1 + 0.2, note: 'a,"b"' });
    w.append(["c2", NaN, null]);
    w.append({ cell: "c3", x: -Infinity });
    w.append({ cell: "c4", x: 1e-30, note: true });
    assert.equal(w.rowCount, 4);
    w.close();
    const text = Deno.readTextFileSync(path);
    assert.equal(
      text,
      'cell,x,note\nmnist-mlp-ns-s0,0.30000000000000004,"a,""b"""\nc2,nan,\nc3,-inf,\nc4,1e-30,true\n',
    );
    const table = readCsv(path);
    assert.deepEqual(table.columns, ["cell", "x", "note"]);
    assert.deepEqual(table.rows, [
      ["mnist-mlp-ns-s0", "0.30000000000000004", 'a,"b"'],
      ["c2", "nan", ""],
      ["c3", "-inf", ""],
      ["c4", "1e-30", "true"],
    ]);
    assert.equal(
      Number(table.rows[0][1]),
      0.1 + 0.2,
      "numbers round-trip exactly",
    );
    assert.deepEqual(csvRecords(table)[1], { cell: "c2", x: "nan", note: "" });
  }));

Deno.test("csv: reopening appends without a second header", () =>
  withDir((dir) => {
    const path = join(dir, "m.csv");
    const cols = [...METRICS_COLUMN_NAMES];
    let w = CsvWriter.open(path, cols);
    w.append({ cell: "a", step: 1 });
    w.close();
    w = CsvWriter.open(path, cols);
    assert.equal(w.rowCount, 1);
    w.append({ cell: "b", step: 2 });
    w.close();
    const t = readCsv(path);
    assert.deepEqual(t.columns, cols);
    assert.deepEqual(t.rows.map((r) => r[0]), ["a", "b"]);
  }));

Deno.test("csv: a partial last line (killed mid-write) is dropped on reopen", () =>
  withDir((dir) => {
    const path = join(dir, "m.csv");
    const w = CsvWriter.open(path, ["cell", "fid"]);
    w.append({ cell: "a", fid: 1 });
    w.close();
    // simulate a process killed inside a write
    Deno.writeTextFileSync(path, "b,2.5", { append: true });
    assert.deepEqual(readCsv(path).rows, [["a", "1"]], "readers ignore it");
    const w2 = CsvWriter.open(path, ["cell", "fid"]);
    assert.equal(w2.rowCount, 1);
    w2.append({ cell: "b", fid: 2.5 });
    w2.close();
    assert.equal(Deno.readTextFileSync(path), "cell,fid\na,1\nb,2.5\n");
    // a partial header alone: the file restarts with a full header
    const p2 = join(dir, "h.csv");
    Deno.writeTextFileSync(p2, "cel");
    CsvWriter.open(p2, ["cell", "fid"]).close();
    assert.equal(Deno.readTextFileSync(p2), "cell,fid\n");
  }));

Deno.test("csv: a header mismatch is refused with one line naming the file", () =>
  withDir((dir) => {
    const path = join(dir, "m.csv");
    CsvWriter.open(path, ["cell", "fid"]).close();
    assert.throws(
      () => CsvWriter.open(path, ["cell", "fid", "kid_mean"]),
      (e: Error) => {
        assert.equal(
          e.message,
          `${path}: header does not match the expected columns (found cell,fid; expected cell,fid,kid_mean)`,
        );
        return true;
      },
    );
    assert.equal(Deno.readTextFileSync(path), "cell,fid\n", "file untouched");
  }));

Deno.test("csv: bad rows are refused before anything is written", () =>
  withDir((dir) => {
    const path = join(dir, "m.csv");
    const w = CsvWriter.open(path, ["cell", "fid"]);
    assert.throws(
      () => w.append({ cell: "a", fdi: 1 }),
      /unknown column\(s\) fdi/,
    );
    assert.throws(() => w.append(["a"]), /row has 1 values, expected 2/);
    assert.throws(
      () => w.append({ cell: "a\nb" }),
      /column cell: a value must not contain a line break/,
    );
    w.close();
    assert.throws(() => w.append({ cell: "a" }), /writer is closed/);
    assert.equal(Deno.readTextFileSync(path), "cell,fid\n");
    assert.throws(
      () => CsvWriter.open(join(dir, "d.csv"), ["a", "a"]),
      /unique/,
    );
  }));

Deno.test("parseCsv: CRLF, quoted newlines, empty lines, wrong field counts", () => {
  assert.deepEqual(parseCsv('a,b\r\n"x\ny",2\r\n\r\n3,""\n'), {
    columns: ["a", "b"],
    rows: [["x\ny", "2"], ["3", ""]],
  });
  assert.throws(
    () => parseCsv("a,b\n1\n", "f.csv"),
    /^Error: f\.csv: line 2 has 1 fields, expected 2$/,
  );
  assert.throws(() => parseCsv("", "f.csv"), /f\.csv: no header line/);
  assert.deepEqual(parseCsv('a\n"unterminated\n').rows, []);
});

Deno.test("formatCsvValue and writeCsvFile", () =>
  withDir((dir) => {
    assert.equal(formatCsvValue(-0), "0");
    assert.equal(formatCsvValue(Infinity), "inf");
    assert.equal(formatCsvValue(undefined), "");
    const path = join(dir, "w.csv");
    writeCsvFile(path, ["a", "b"], [["1", 2], [null, "x y"]]);
    assert.equal(Deno.readTextFileSync(path), "a,b\n1,2\n,x y\n");
    assert.throws(
      () => writeCsvFile(path, ["a"], [["1", "2"]]),
      /row 1 has 2 values/,
    );
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name),
      ["w.csv"],
      "no temp files left",
    );
  }));

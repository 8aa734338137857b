/**
 * CSV files that survive a killed process: `metrics.csv` and `summary.csv`
 * are appended one complete line per write, so a row is either wholly in
 * the file or (if the process died inside the write) a partial last line
 * without its newline, which the next {@linkcode CsvWriter.open} cuts off.
 * The header is written once and must match the columns on reopen.
 * Quoting is done by `csv-stringify`; reading back uses a small RFC 4180
 * parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvWriter, readCsv } from "./csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.remove(path);
 * const w = CsvWriter.open(path, ["cell", "step", "fid"]);
 * w.append({ cell: "mnist-mlp-ns-s0", step: 500, fid: 12.5 });
 * w.close();
 * assert.deepEqual(readCsv(path).rows, [["mnist-mlp-ns-s0", "500", "12.5"]]);
 * ```
 *
 * @module
 */
import { dirname } from "node:path";
// @ts-types="./_csv_stringify.d.ts"
import { stringify } from "csv-stringify/sync";

/** A value of one CSV field; `null` / `undefined` are written as empty. */
export type CsvValue = string | number | boolean | null | undefined;

/** A parsed CSV file. */
export interface CsvTable {
  /** The header fields. */
  columns: string[];
  /** The data rows, as strings, each as long as `columns`. */
  rows: string[][];
}

/** Options of {@linkcode CsvWriter.open}. */
export interface CsvWriterOptions {
  /** Also `fsync` after each row (survives a power cut, not just a kill); default false. */
  fsync?: boolean;
}

const encoder = new TextEncoder();
const NEWLINE = 0x0a;

/**
 * Formats one value: numbers as JavaScript prints them (shortest exact
 * form), `NaN` as `nan`, ±Infinity as `inf` / `-inf`, `-0` as `0`, booleans
 * as `true` / `false`, null / undefined as empty.
 *
 * @param value The value.
 * @returns The field text (before quoting).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCsvValue } from "./csv.ts";
 * assert.equal(formatCsvValue(NaN), "nan");
 * assert.equal(formatCsvValue(-Infinity), "-inf");
 * assert.equal(formatCsvValue(-0), "0");
 * assert.equal(formatCsvValue(null), "");
 * ```
 */
export function formatCsvValue(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (value === Infinity) return "inf";
    if (value === -Infinity) return "-inf";
    if (Object.is(value, -0)) return "0";
    return String(value);
  }
  return String(value);
}

/**
 * One CSV line (quoted as needed, ending in `\n`).
 *
 * @param fields The field texts.
 * @returns The line.
 */
function csvLine(fields: readonly string[]): string {
  return stringify([fields], { record_delimiter: "unix" });
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    offset += file.writeSync(bytes.subarray(offset));
  }
}

/** Appends rows to a CSV file, one complete line per write. */
export class CsvWriter {
  /** The file. */
  readonly path: string;
  /** The header, in order. */
  readonly columns: readonly string[];
  #file: Deno.FsFile | undefined;
  #fsync: boolean;
  #rows: number;

  private constructor(
    path: string,
    columns: readonly string[],
    file: Deno.FsFile,
    rows: number,
    fsync: boolean,
  ) {
    this.path = path;
    this.columns = columns;
    this.#file = file;
    this.#rows = rows;
    this.#fsync = fsync;
  }

  /**
   * Opens `path` for appending. A new or empty file gets the header; an
   * existing file's incomplete last line (no trailing newline) is cut off,
   * and its header must equal `columns`.
   *
   * @param path The CSV file (parent directories are created).
   * @param columns The header, in order (no duplicates).
   * @param options See {@linkcode CsvWriterOptions}.
   * @returns The writer; call {@linkcode CsvWriter.close} when done.
   * @throws Error One line naming the file when the existing header differs.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CsvWriter } from "./csv.ts";
   * const path = await Deno.makeTempFile({ suffix: ".csv" });
   * const w = CsvWriter.open(path, ["a", "b"]);
   * w.close();
   * assert.equal(Deno.readTextFileSync(path), "a,b\n");
   * ```
   */
  static open(
    path: string,
    columns: readonly string[],
    options: CsvWriterOptions = {},
  ): CsvWriter {
    if (new Set(columns).size !== columns.length || columns.length === 0) {
      throw new Error(`${path}: columns must be non-empty and unique`);
    }
    Deno.mkdirSync(dirname(path), { recursive: true });
    let existing: Uint8Array | undefined;
    try {
      existing = Deno.readFileSync(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    let rows = 0;
    let needHeader = true;
    if (existing !== undefined && existing.length > 0) {
      const keep = existing.lastIndexOf(NEWLINE) + 1;
      if (keep < existing.length) Deno.truncateSync(path, keep);
      if (keep > 0) {
        const table = parseCsv(
          new TextDecoder().decode(existing.subarray(0, keep)),
          path,
        );
        if (
          table.columns.length !== columns.length ||
          table.columns.some((c, i) => c !== columns[i])
        ) {
          throw new Error(
            `${path}: header does not match the expected columns (found ${
              table.columns.join(",")
            }; expected ${columns.join(",")})`,
          );
        }
        rows = table.rows.length;
        needHeader = false;
      }
    }
    const file = Deno.openSync(path, {
      append: true,
      create: true,
      write: true,
    });
    const writer = new CsvWriter(path, columns, file, rows, !!options.fsync);
    if (needHeader) writer.#writeLine(columns);
    return writer;
  }

  /** Data rows in the file (those found on open plus those appended). */
  get rowCount(): number {
    return this.#rows;
  }

  /**
   * Appends one row as a single complete line.
   *
   * @param row Values by column name (absent = empty; unknown names are an
   *   error), or a list in column order.
   * @throws Error On an unknown column, a wrong list length, a value with a
   *   line break, or a closed writer.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CsvWriter } from "./csv.ts";
   * const path = await Deno.makeTempFile({ suffix: ".csv" });
   * const w = CsvWriter.open(path, ["cell", "fid"]);
   * w.append({ cell: "x", fid: 3.5 });
   * w.append(["y", NaN]);
   * w.close();
   * assert.equal(Deno.readTextFileSync(path), "cell,fid\nx,3.5\ny,nan\n");
   * ```
   */
  append(row: Readonly<Record<string, CsvValue>> | readonly CsvValue[]): void {
    let values: readonly CsvValue[];
    if (Array.isArray(row)) {
      if (row.length !== this.columns.length) {
        throw new Error(
          `${this.path}: row has ${row.length} values, expected ${this.columns.length}`,
        );
      }
      values = row;
    } else {
      const record = row as Readonly<Record<string, CsvValue>>;
      const unknown = Object.keys(record).filter((k) =>
        !this.columns.includes(k)
      );
      if (unknown.length > 0) {
        throw new Error(
          `${this.path}: unknown column(s) ${unknown.join(", ")}`,
        );
      }
      values = this.columns.map((c) => record[c]);
    }
    const fields = values.map(formatCsvValue);
    const bad = fields.findIndex((f) => /[\r\n]/.test(f));
    if (bad >= 0) {
      throw new Error(
        `${this.path}: column ${
          this.columns[bad]
        }: a value must not contain a line break`,
      );
    }
    this.#writeLine(fields);
    this.#rows++;
  }

  #writeLine(fields: readonly string[]): void {
    if (!this.#file) throw new Error(`${this.path}: writer is closed`);
    writeAll(this.#file, encoder.encode(csvLine(fields)));
    if (this.#fsync) this.#file.syncSync();
  }

  /** Closes the file (idempotent). */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }
}

/**
 * Parses CSV text (RFC 4180: `"` quotes, `""` escapes, LF or CRLF). A last
 * line without a newline is an unfinished row and is left out, as
 * {@linkcode CsvWriter.open} would cut it off; empty lines are skipped.
 *
 * @param text The file content.
 * @param source Name used in error messages.
 * @returns The header and rows.
 * @throws Error One line naming `source` and the line when a row has the
 *   wrong number of fields.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./csv.ts";
 * const table = parseCsv('a,b\n1,"x,y"\n');
 * assert.deepEqual(table.columns, ["a", "b"]);
 * assert.deepEqual(table.rows, [["1", "x,y"]]);
 * ```
 */
export function parseCsv(text: string, source = "csv"): CsvTable {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"' && field === "" && !fieldStarted) {
      // quoted field
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            closed = true;
            break;
          }
        } else {
          if (c === "\n") line++;
          field += c;
          i++;
        }
      }
      // An unterminated quote can only be an unfinished last line.
      if (!closed) break;
      fieldStarted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      fieldStarted = false;
      i++;
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === "" && !fieldStarted)) {
        records.push({ fields, line: recordLine });
      }
      fields = [];
      field = "";
      fieldStarted = false;
      i += ch === "\r" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  // Whatever remains after the last newline is an unfinished row: dropped.
  if (records.length === 0) {
    throw new Error(`${source}: no header line`);
  }
  const columns = records[0].fields;
  const rows: string[][] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== columns.length) {
      throw new Error(
        `${source}: line ${r.line} has ${r.fields.length} fields, expected ${columns.length}`,
      );
    }
    rows.push(r.fields);
  }
  return { columns, rows };
}

/**
 * Reads a CSV file written by {@linkcode CsvWriter} (see
 * {@linkcode parseCsv}).
 *
 * @param path The file.
 * @returns The header and rows.
 * @throws Error One line naming the file when it is missing or malformed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv, writeCsvFile } from "./csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * writeCsvFile(path, ["cell", "fid"], [["a", 1.5]]);
 * const { columns, rows } = readCsv(path);
 * assert.deepEqual(columns, ["cell", "fid"]);
 * assert.deepEqual(rows, [["a", "1.5"]]);
 * ```
 */
export function readCsv(path: string): CsvTable {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${path}: file not found`);
    }
    throw new Error(
      `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return parseCsv(text, path);
}

/**
 * The rows of a table as objects keyed by column name.
 *
 * @param table A parsed table.
 * @returns One record per row.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvRecords, parseCsv } from "./csv.ts";
 * assert.deepEqual(csvRecords(parseCsv("a,b\n1,2\n")), [{ a: "1", b: "2" }]);
 * ```
 */
export function csvRecords(table: CsvTable): Record<string, string>[] {
  return table.rows.map((row) =>
    Object.fromEntries(table.columns.map((c, i) => [c, row[i]]))
  );
}

/**
 * Writes a whole CSV file atomically (temporary file, then rename): used to
 * rewrite merged or re-sorted results.
 *
 * @param path The file.
 * @param columns The header.
 * @param rows The rows, in column order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeCsvFile } from "./csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * writeCsvFile(path, ["a"], [["1"], [2]]);
 * assert.equal(Deno.readTextFileSync(path), "a\n1\n2\n");
 * ```
 */
export function writeCsvFile(
  path: string,
  columns: readonly string[],
  rows: readonly (readonly CsvValue[])[],
): void {
  const text = [columns, ...rows.map((r) => r.map(formatCsvValue))].map(
    (fields, i) => {
      if (i > 0 && fields.length !== columns.length) {
        throw new Error(
          `${path}: row ${i} has ${fields.length} values, expected ${columns.length}`,
        );
      }
      return csvLine(fields);
    },
  ).join("");
  Deno.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}`;
  Deno.writeTextFileSync(tmp, text);
  Deno.renameSync(tmp, path);
}

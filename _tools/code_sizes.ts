/**
 * Lists the source files over a line limit and the functions over a length
 * limit, to keep files and functions of one concept. Reports; does not fail
 * unless `--fail` is given.
 *
 * ```sh
 * deno run --allow-read _tools/code_sizes.ts [--files 450] [--functions 120] [--fail] [DIR…]
 * ```
 *
 * Functions are found by a small scanner (comments, strings and template
 * literals skipped, braces matched): `function` declarations and
 * expressions, methods, getters and arrow functions with a block body. A
 * function's length counts its lines from the line of its name to its
 * closing brace, nested closures included.
 *
 * @module
 */
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

/** One function and its length in lines. */
export interface FunctionSize {
  /** The function's name (`<arrow>` when anonymous). */
  name: string;
  /** 1-based line where its header starts. */
  line: number;
  /** Lines from header to closing brace. */
  lines: number;
}

const KEYWORDS = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "with",
  "return",
  "else",
  "do",
  "try",
  "finally",
]);

/** Replaces comments, strings and template text by spaces (keeps newlines and `${}` braces balanced). */
function blank(source: string): string {
  let out = "";
  let i = 0;
  const n = source.length;
  const templateDepth: number[] = [];
  let braceDepth = 0;
  const keep = (c: string) => (c === "\n" ? "\n" : " ");
  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && source[i] !== "\n") out += keep(source[i++]);
    } else if (c === "/" && next === "*") {
      out += "  ";
      i += 2;
      while (i < n && !(source[i] === "*" && source[i + 1] === "/")) {
        out += keep(source[i++]);
      }
      out += "  ";
      i += 2;
    } else if (c === '"' || c === "'") {
      out += " ";
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") out += keep(source[i++]);
        out += keep(source[i++]);
      }
      out += " ";
      i++;
    } else if (
      c === "`" || (c === "}" && templateDepth.at(-1) === braceDepth)
    ) {
      if (c === "}") templateDepth.pop();
      out += " ";
      i++;
      while (i < n && source[i] !== "`") {
        if (source[i] === "\\") {
          out += keep(source[i++]);
        } else if (source[i] === "$" && source[i + 1] === "{") {
          templateDepth.push(braceDepth);
          out += "  ";
          i += 2;
          break;
        }
        if (i < n) out += keep(source[i++]);
      }
      if (source[i] === "`") {
        out += " ";
        i++;
      }
    } else {
      if (c === "{") braceDepth++;
      if (c === "}") braceDepth--;
      out += c;
      i++;
    }
  }
  return out;
}

/** The name of a function whose header (text before its `{`) is `header`, or undefined. */
function functionName(header: string): string | undefined {
  const h = header.replace(/\s+/g, " ").trim();
  let m = h.match(/function\*?\s*([\w$]*)\s*(<.*>)?\s*\(.*\)\s*(:.*)?$/);
  if (m) return m[1] || "<function>";
  if (/=>\s*$/.test(h)) {
    m = h.match(
      /([\w$#]+)\s*(:[^=]*)?=\s*(async\s*)?(<.*>)?\(?[^=]*\)?\s*(:.*)?=>\s*$/,
    );
    return m ? m[1] : "<arrow>";
  }
  m = h.match(
    /(?:^|[\s;{}])(?:(?:static|async|get|set|public|private|protected|override)\s+)*\*?([\w$#]+)\s*(<.*>)?\s*\(.*\)\s*(:.*)?$/,
  );
  if (m && !KEYWORDS.has(m[1])) return m[1];
  return undefined;
}

/**
 * Measures the functions of one TypeScript source.
 *
 * @param source The file's text.
 * @returns Every function found, in source order.
 */
export function functionSizes(source: string): FunctionSize[] {
  const text = blank(source);
  const found: FunctionSize[] = [];
  const stack: (FunctionSize | undefined)[] = [];
  let line = 1;
  let headerStart = 0;
  let headerLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (c === "{") {
      const header = text.slice(headerStart, i);
      const name = functionName(header.split(/[;]/).at(-1) ?? "");
      // The header's first non-blank line.
      const lead = header.match(/^\s*/)?.[0] ?? "";
      const startLine = headerLine + (lead.match(/\n/g)?.length ?? 0);
      stack.push(
        name === undefined ? undefined : { name, line: startLine, lines: 0 },
      );
      headerStart = i + 1;
      headerLine = line;
    } else if (c === "}") {
      const f = stack.pop();
      if (f) {
        f.lines = line - f.line + 1;
        found.push(f);
      }
      headerStart = i + 1;
      headerLine = line;
    } else if (c === ";") {
      headerStart = i + 1;
      headerLine = line;
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

function* walk(dir: string): Generator<string> {
  for (
    const entry of [...Deno.readDirSync(dir)].sort((
      a,
      b,
    ) => (a.name < b.name ? -1 : 1))
  ) {
    const path = join(dir, entry.name);
    if (
      entry.isDirectory && entry.name !== "node_modules" &&
      entry.name !== "fixtures"
    ) yield* walk(path);
    else if (entry.isFile && path.endsWith(".ts") && !path.endsWith(".d.ts")) {
      yield path;
    }
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    strict: true,
    allowPositionals: true,
    options: {
      files: { type: "string", default: "450" },
      functions: { type: "string", default: "120" },
      fail: { type: "boolean", default: false },
    },
  });
  const fileLimit = Number(values.files);
  const functionLimit = Number(values.functions);
  const dirs = positionals.length > 0 ? positionals : ["src"];
  let total = 0;
  let files = 0;
  const longFiles: string[] = [];
  const longFunctions: string[] = [];
  for (const dir of dirs) {
    for (const file of walk(dir)) {
      const source = Deno.readTextFileSync(file);
      const lines = source.split("\n").length - (source.endsWith("\n") ? 1 : 0);
      files++;
      total += lines;
      const name = relative(Deno.cwd(), file);
      if (lines > fileLimit) {
        longFiles.push(`${String(lines).padStart(6)}  ${name}`);
      }
      for (const f of functionSizes(source)) {
        if (f.lines > functionLimit) {
          longFunctions.push(
            `${String(f.lines).padStart(6)}  ${name}:${f.line} ${f.name}`,
          );
        }
      }
    }
  }
  longFiles.sort().reverse();
  longFunctions.sort().reverse();
  console.log(`${files} files, ${total} lines in ${dirs.join(", ")}`);
  console.log(`files over ${fileLimit} lines: ${longFiles.length}`);
  for (const l of longFiles) console.log(l);
  console.log(`functions over ${functionLimit} lines: ${longFunctions.length}`);
  for (const l of longFunctions) console.log(l);
  if (values.fail && longFiles.length + longFunctions.length > 0) Deno.exit(1);
}

/**
 * The documentation is self-contained: every relative link (and `#anchor`,
 * by GitHub's heading slugs) in README.md, docs/*.md and the evaluators'
 * README resolves inside the repository, every repository path written as
 * code exists, nothing points outside the repository, and README.md stays a
 * front page of at most 10 KiB.
 *
 * @module
 */
import { assert } from "./_assert.ts";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(fileURLToPath(new URL("..", import.meta.url)));
const README_MAX_BYTES = 10 * 1024;

/** The Markdown files whose references must resolve, relative to ROOT. */
async function documents(): Promise<string[]> {
  const docs: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, "docs"))) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      docs.push(`docs/${entry.name}`);
    }
  }
  return ["README.md", "src/metrics/evaluators/README.md", ...docs.sort()];
}

/** The lines of a Markdown text outside fenced code blocks, blank inside. */
function proseLines(text: string): string[] {
  let fence: string | null = null;
  return text.split("\n").map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1][0];
      else if (m[1][0] === fence) fence = null;
      return "";
    }
    return fence === null ? line : "";
  });
}

/**
 * GitHub's anchor for a heading: the rendered text lower-cased, punctuation
 * other than `-` and `_` removed, spaces turned into hyphens.
 */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "");
  return text.trim().toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor of a Markdown text, with GitHub's `-1`, `-2` for repeats. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Prose without inline code spans (links inside code are not links). */
function withoutCode(line: string): string {
  return line.replace(/`[^`]*`/g, "");
}

/** The targets of inline links and images, `[text](target "title")`. */
function linkTargets(text: string): string[] {
  const out: string[] = [];
  for (const line of proseLines(text)) {
    for (const m of withoutCode(line).matchAll(/\]\(\s*<?([^)\s>]+)>?/g)) {
      out.push(m[1]);
    }
  }
  return out;
}

/** Repository paths written as inline code, e.g. `src/spec/types.ts`. */
function codePaths(text: string): string[] {
  const out: string[] = [];
  const path =
    /^(?:src|tests|benchmarks|docs|_tools|\.github|\.ci)\/[A-Za-z0-9_.\/-]*$/;
  for (const line of proseLines(text)) {
    for (const m of line.matchAll(/`([^`]+)`/g)) {
      if (path.test(m[1])) out.push(m[1]);
    }
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

const anchorCache = new Map<string, Set<string>>();
async function anchorsOf(file: string): Promise<Set<string>> {
  let set = anchorCache.get(file);
  if (!set) {
    set = anchors(await Deno.readTextFile(file));
    anchorCache.set(file, set);
  }
  return set;
}

/** Why a link target in `doc` does not resolve, or null when it does. */
async function brokenLink(doc: string, target: string): Promise<string | null> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:
  const hash = target.indexOf("#");
  const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
  const file = pathPart === ""
    ? join(ROOT, doc)
    : normalize(join(ROOT, dirname(doc), pathPart));
  const rel = relative(ROOT, file);
  if (rel.startsWith("..")) return "points outside the repository";
  if (!(await exists(file))) return `${rel} does not exist`;
  if (anchor === null) return null;
  if (!file.endsWith(".md")) return `#${anchor} on a file that is not Markdown`;
  return (await anchorsOf(file)).has(anchor)
    ? null
    : `${rel} has no heading #${anchor}`;
}

Deno.test("docs: GitHub heading slugs", () => {
  assert.equal(slug("`metrics.csv`"), "metricscsv");
  assert.equal(
    slug("`d_loss`, `g_loss` and `d_loss_gap`"),
    "d_loss-g_loss-and-d_loss_gap",
  );
  assert.equal(
    slug("Profiles, spec files and scaling out"),
    "profiles-spec-files-and-scaling-out",
  );
  assert.equal(
    slug("Using your own copy (`--data-dir`)"),
    "using-your-own-copy---data-dir",
  );
  assert.deepEqual([...anchors("# A\n```\n# not a heading\n```\n## A\n")], [
    "a",
    "a-1",
  ]);
});

Deno.test("docs: every relative link and anchor resolves", async () => {
  const broken: string[] = [];
  for (const doc of await documents()) {
    const text = await Deno.readTextFile(join(ROOT, doc));
    for (const target of linkTargets(text)) {
      const why = await brokenLink(doc, target);
      if (why) broken.push(`${doc}: (${target}) ${why}`);
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("docs: every repository path written as code exists", async () => {
  const missing: string[] = [];
  for (const doc of await documents()) {
    const text = await Deno.readTextFile(join(ROOT, doc));
    for (const path of codePaths(text)) {
      if (!(await exists(join(ROOT, path)))) missing.push(`${doc}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("docs: nothing refers to the design notes outside the repository", async () => {
  const outside: string[] = [];
  for (const doc of await documents()) {
    const text = await Deno.readTextFile(join(ROOT, doc));
    if (/DESIGN\.md|\.\.\/shared\//.test(text)) outside.push(doc);
  }
  assert.deepEqual(outside, []);
});

Deno.test("docs: README.md is a front page of at most 10 KiB", async () => {
  const bytes = (await Deno.stat(join(ROOT, "README.md"))).size;
  assert.ok(
    bytes <= README_MAX_BYTES,
    `README.md has ${bytes} bytes (at most ${README_MAX_BYTES}); move details into docs/`,
  );
});

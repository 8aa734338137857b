/**
 * Tests of finding and downloading the Inception weight file against local
 * HTTP servers on 127.0.0.1 (needs `--allow-net=127.0.0.1`): success and
 * caching, wrong hash, interrupted transfer, unreachable server, no network
 * permission, plus the explicit-path, environment-variable and cached-file
 * cases. A failed download must leave nothing in the cache.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { deepEqual, equal, match, ok, rejects } from "../_assert.ts";
import {
  findInceptionWeights,
  INCEPTION_WEIGHTS_ENV,
  INCEPTION_WEIGHTS_FILE_NAME,
  INCEPTION_WEIGHTS_SHA256,
  inceptionWeightsCachePath,
  sha256File,
} from "../../src/metrics/evaluators/inception/weights_file.ts";

const PAYLOAD = Uint8Array.from(
  { length: 300_000 },
  (_, i) => (i * 31 + 7) & 255,
);
const PAYLOAD_SHA256 = createHash("sha256").update(PAYLOAD).digest("hex");
const NO_ENV = () => undefined;

/** Serves PAYLOAD at /w.pth (404 elsewhere), counting requests. */
function payloadServer() {
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      requests++;
      return new URL(req.url).pathname === "/w.pth"
        ? new Response(PAYLOAD, {
          headers: { "content-type": "application/octet-stream" },
        })
        : new Response("not found", { status: 404 });
    },
  );
  return {
    url: (path = "/w.pth") => `http://127.0.0.1:${server.addr.port}${path}`,
    requests: () => requests,
    close: () => server.shutdown(),
  };
}

/** Runs `fn` with a fresh cache directory, then removes it. */
async function withCache(fn: (cacheDir: string) => Promise<void>) {
  const cacheDir = await Deno.makeTempDir({ prefix: "ganbench_inception_" });
  try {
    await fn(cacheDir);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

/** The names in the cache's inception/ folder (none when it is absent). */
async function inceptionDirFiles(cacheDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(cacheDir, "inception"))) {
      names.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names;
}

Deno.test("download: caches the verified file once, then serves it from the cache", async () => {
  const server = payloadServer();
  try {
    await withCache(async (cacheDir) => {
      const lines: string[] = [];
      const options = {
        cacheDir,
        env: NO_ENV,
        url: server.url(),
        sha256: PAYLOAD_SHA256.slice(0, 8),
        log: (l: string) => lines.push(l),
        progressIntervalMs: 60_000, // no intermediate line, however slow
      };
      const first = await findInceptionWeights(options);
      const path = inceptionWeightsCachePath(cacheDir);
      deepEqual(first, { path, source: "download", sha256: PAYLOAD_SHA256 });
      deepEqual(await Deno.readFile(path), PAYLOAD);
      deepEqual(await inceptionDirFiles(cacheDir), [
        INCEPTION_WEIGHTS_FILE_NAME,
      ]);
      // the start line and the final line only
      equal(lines.length, 2, lines.join("\n"));
      match(
        lines[0],
        /^downloading http:\/\/127\.0\.0\.1:\d+\/w\.pth of 0\.3 MB to /,
      );
      match(
        lines[1],
        /^downloaded 0\.3 of 0\.3 MB \(100%\), sha256 verified: /,
      );

      const second = await findInceptionWeights(options);
      deepEqual(second, { path, source: "cache", sha256: PAYLOAD_SHA256 });
      equal(server.requests(), 1, "the second call must not hit the server");
    });
  } finally {
    await server.close();
  }
});

Deno.test("download: progress lines are throttled by progressIntervalMs", async () => {
  // 30 chunks 20 ms apart (~0.6 s) with at most one line per 200 ms
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => {
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 20));
          controller.enqueue(PAYLOAD.subarray(i * 10_000, (i + 1) * 10_000));
          if (++i === 30) controller.close();
        },
      });
      return new Response(body, { headers: { "content-length": "300000" } });
    },
  );
  try {
    await withCache(async (cacheDir) => {
      const lines: string[] = [];
      const start = performance.now();
      await findInceptionWeights({
        cacheDir,
        env: NO_ENV,
        url: `http://127.0.0.1:${server.addr.port}/w.pth`,
        sha256: PAYLOAD_SHA256,
        log: (l) => lines.push(l),
        progressIntervalMs: 200,
      });
      const progress = lines.slice(1, -1);
      // at least one line (the transfer lasts > 200 ms), at most one per 200 ms
      const most = Math.floor((performance.now() - start) / 200);
      ok(progress.length >= 1 && progress.length <= most, lines.join("\n"));
      for (const l of progress) {
        match(l, /^downloaded 0\.\d of 0\.3 MB \(\d+%\)$/);
      }
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("download: a wrong hash leaves nothing in the cache", async () => {
  const server = payloadServer();
  try {
    await withCache(async (cacheDir) => {
      await rejects(
        findInceptionWeights({
          cacheDir,
          env: NO_ENV,
          url: server.url(),
          sha256: "00000000",
          log: () => {},
        }),
        new RegExp(
          `^Error: download of http://127\\.0\\.0\\.1:\\d+/w\\.pth has sha256 ${PAYLOAD_SHA256}, expected 00000000; removed it$`,
        ),
      );
      deepEqual(await inceptionDirFiles(cacheDir), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("download: a transfer cut short leaves nothing in the cache", async () => {
  // a raw server that promises 100000 bytes, sends 5000 and hangs up
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    await conn.read(new Uint8Array(4096)); // the request
    const head = "HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n" +
      "content-type: application/octet-stream\r\n\r\n";
    await conn.write(new TextEncoder().encode(head));
    await conn.write(PAYLOAD.subarray(0, 5000));
    conn.close();
  })();
  try {
    await withCache(async (cacheDir) => {
      await rejects(
        findInceptionWeights({
          cacheDir,
          env: NO_ENV,
          url: `http://127.0.0.1:${listener.addr.port}/w.pth`,
          sha256: PAYLOAD_SHA256,
          log: () => {},
        }),
        /^Error: download of http:\/\/127\.0\.0\.1:\d+\/w\.pth interrupted after \d+ of 100000 bytes.*; nothing was cached$/,
      );
      deepEqual(await inceptionDirFiles(cacheDir), []);
    });
  } finally {
    await served;
    listener.close();
  }
});

Deno.test("download: an unreachable server or a 404 says where to put the file", async () => {
  // a port that was free a moment ago: connection refused
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const server = payloadServer();
  try {
    await withCache(async (cacheDir) => {
      const path = inceptionWeightsCachePath(cacheDir);
      const where =
        `put ${INCEPTION_WEIGHTS_FILE_NAME} at ${path} or set ${INCEPTION_WEIGHTS_ENV} to its path`;
      await rejects(
        findInceptionWeights({
          cacheDir,
          env: NO_ENV,
          url: `http://127.0.0.1:${port}/w.pth`,
          log: () => {},
        }),
        (e: Error) => {
          match(
            e.message,
            /^cannot download http:\/\/127\.0\.0\.1:\d+\/w\.pth \(.+\); /,
          );
          match(e.message, /Connection refused/i);
          ok(e.message.endsWith(where), e.message);
          equal(e.message.split("\n").length, 1);
          return true;
        },
      );
      await rejects(
        findInceptionWeights({
          cacheDir,
          env: NO_ENV,
          url: server.url("/missing"),
          log: () => {},
        }),
        (e: Error) => {
          match(
            e.message,
            /^cannot download http:\/\/127\.0\.0\.1:\d+\/missing \(HTTP 404\); /,
          );
          ok(e.message.endsWith(where), e.message);
          return true;
        },
      );
      deepEqual(await inceptionDirFiles(cacheDir), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "download: no network permission says where to put the file",
  permissions: {
    read: "inherit",
    write: "inherit",
    env: "inherit",
    net: false,
  },
  fn: async () => {
    await withCache(async (cacheDir) => {
      await rejects(
        findInceptionWeights({ cacheDir, env: NO_ENV, log: () => {} }),
        (e: Error) => {
          match(
            e.message,
            /^cannot download https:\/\/github\.com\/mseitzer\/pytorch-fid\/releases\/download\/fid_weights\/pt_inception-2015-12-05-6726825d\.pth \(.*net.*\); put /,
          );
          ok(
            e.message.endsWith(
              `at ${
                inceptionWeightsCachePath(cacheDir)
              } or set ${INCEPTION_WEIGHTS_ENV} to its path`,
            ),
          );
          return true;
        },
      );
      deepEqual(await inceptionDirFiles(cacheDir), []);
    });
  },
});

Deno.test("findInceptionWeights: explicit path, environment variable, cached file", async () => {
  await withCache(async (cacheDir) => {
    const own = join(cacheDir, "own.pth");
    await Deno.writeFile(own, PAYLOAD);
    // a given file is taken as it is (no download, any hash), its hash returned
    deepEqual(
      await findInceptionWeights({
        cacheDir,
        path: own,
        env: () => "/nonexistent",
      }),
      { path: own, source: "argument", sha256: PAYLOAD_SHA256 },
    );
    deepEqual(
      await findInceptionWeights({
        cacheDir,
        env: (n) => n === INCEPTION_WEIGHTS_ENV ? own : undefined,
      }),
      { path: own, source: "env", sha256: PAYLOAD_SHA256 },
    );
    await rejects(
      findInceptionWeights({ cacheDir, path: join(cacheDir, "none.pth") }),
      /^Error: .*none\.pth: no such Inception weight file$/,
    );
    await rejects(
      findInceptionWeights({ cacheDir, env: () => "/nonexistent/w.pth" }),
      /^Error: GANBENCH_INCEPTION_WEIGHTS=\/nonexistent\/w\.pth: no such file$/,
    );
    // a file placed in the cache by hand must have the expected hash
    const cached = inceptionWeightsCachePath(cacheDir);
    await Deno.mkdir(join(cacheDir, "inception"));
    await Deno.writeFile(cached, PAYLOAD);
    await rejects(
      findInceptionWeights({ cacheDir, env: NO_ENV }),
      new RegExp(
        `sha256 ${PAYLOAD_SHA256} is not the expected ${INCEPTION_WEIGHTS_SHA256}; delete it to download it again$`,
      ),
    );
    equal(await sha256File(cached), PAYLOAD_SHA256);
  });
});

import * as tf from "@tensorflow/tfjs-core";
import { equal, match, ok, rejects } from "../_assert.ts";
import {
  backendAvailability,
  type BackendChoice,
  backendInfo,
  initBackend,
} from "../../src/backend/mod.ts";

Deno.test("initBackend('cpu') picks cpu and describes the CPU", async () => {
  const info = await initBackend("cpu");
  equal(info.backend, "cpu");
  equal(tf.getBackend(), "cpu");
  match(info.device, /\(\d+ cores?\)$/);
  equal(info.skipped.length, 0);
  equal(backendInfo().backend, "cpu");
  equal(backendInfo().device, info.device);
});

Deno.test("initBackend('wasm') picks wasm with SIMD and computes correctly", async () => {
  const lines: string[] = [];
  const info = await initBackend("wasm", { log: (l) => lines.push(l) });
  equal(info.backend, "wasm");
  equal(tf.getBackend(), "wasm");
  match(info.detail, /SIMD, 1 thread/);
  equal(lines.length, 1);
  match(lines[0], /^backend wasm \(/);
  const y = tf.matMul(
    tf.tensor2d([[1, 2], [3, 4]]),
    tf.tensor2d([[5, 6], [7, 8]]),
  );
  equal(Array.from(await y.data()).join(","), "19,22,43,50");
  y.dispose();
});

Deno.test("auto skips tfjs-node(-gpu) as not installed, with the install command", async () => {
  const info = await initBackend("auto");
  ok(["webgpu", "wasm", "cpu"].includes(info.backend), info.backend);
  match(
    info.skipped[0],
    /^tfjs-node-gpu: not installed \(npm install @tensorflow\/tfjs-node-gpu@4\.22\.0\)$/,
  );
  match(
    info.skipped[1],
    /^tfjs-node: not installed \(npm install @tensorflow\/tfjs-node@4\.22\.0\)$/,
  );
  match(
    info.message,
    new RegExp(
      `^backend ${info.backend}.*; skipped tfjs-node-gpu: not installed`,
    ),
  );
  ok(!info.message.includes("\n"), "one line");
  const gpu = await navigator.gpu?.requestAdapter();
  if (gpu && (gpu.info as { isFallbackAdapter?: boolean }).isFallbackAdapter) {
    // A software adapter (Mesa lavapipe here) must be skipped by auto.
    equal(info.backend, "wasm");
    match(info.skipped[2], /^webgpu: software adapter/);
  }
});

Deno.test("an unknown backend name is rejected with a one-line error", async () => {
  await rejects(() => initBackend("cuda" as BackendChoice), (e: Error) => {
    match(
      e.message,
      /^unknown backend "cuda" \(expected one of auto, tensorflow, webgpu, wasm, cpu\)$/,
    );
    return true;
  });
});

Deno.test("an explicit tensorflow choice fails with why, naming both packages", async () => {
  await rejects(() => initBackend("tensorflow"), (e: Error) => {
    match(
      e.message,
      /^backend "tensorflow" cannot be used: tfjs-node-gpu: not installed .*; tfjs-node: not installed/,
    );
    ok(!e.message.includes("\n"));
    return true;
  });
});

Deno.test("backendAvailability lists every candidate with a reason", async () => {
  const rows = await backendAvailability();
  equal(
    rows.map((r) => r.name).join(","),
    "tfjs-node-gpu,tfjs-node,webgpu,wasm,cpu",
  );
  for (const r of rows) ok(r.reason.length > 0, r.name);
  equal(rows[0].available, false);
  match(rows[0].reason, /npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
  equal(rows[3].available, true);
  equal(rows[4].available, true);
  if (rows[2].available && !rows[2].auto) {
    match(rows[2].reason, /software adapter/);
  }
});

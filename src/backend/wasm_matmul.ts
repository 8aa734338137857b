/**
 * Fast transposed matrix products on the TF.js 4.22 wasm backend.
 *
 * The wasm `BatchMatMul` (and `_FusedMatMul`) kernel hands a plain product to
 * XNNPACK, but with `transposeA` or `transposeB` set it runs a naive strided
 * loop that is 5–40× slower. Every dense layer's backward pass uses both
 * (dA = dY·Bᵀ, dB = Aᵀ·dY), so an MLP GAN step spent ~90 % of its time
 * there. The wrappers below materialise the transposed operand with the
 * (fast, cache-friendly) `Transpose` kernel and call the native kernel
 * without transpose flags: the same products, the same summation order per
 * output element up to XNNPACK's blocking (float rounding only).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Kernels that {@linkcode registerWasmTransposedMatMul} wraps. */
export const WASM_MATMUL_KERNELS = ["BatchMatMul", "_FusedMatMul"] as const;

type Marked = tf.KernelFunc & { ganbenchTransposeFree?: boolean };

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Wraps a TensorInfo as a Tensor holding its own reference to the data. */
function hold(info: tf.TensorInfo): tf.Tensor {
  const t = tf.engine().makeTensorFromTensorInfo(info);
  tf.backend().incRef(info.dataId);
  return t;
}

function transposeFree(native: tf.KernelFunc, fused: boolean): Marked {
  const f: Marked = (args) => {
    const attrs = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
    };
    const tA = attrs.transposeA, tB = attrs.transposeB;
    if (!tA && !tB) return native(args);
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    const temps: tf.Tensor[] = [];
    const t = (info: tf.TensorInfo): tf.Tensor => {
      const held = hold(info);
      temps.push(held);
      const r = tf.transpose(held, swapLastTwo(info.shape.length));
      temps.push(r);
      return r;
    };
    const plain = { ...args.attrs, transposeA: false, transposeB: false };
    try {
      if (!fused) {
        // C = op(A)·op(B); Cᵀ = op(B)ᵀ·op(A)ᵀ. Transpose whichever is less data.
        const [m, k] = tA
          ? inputs.a.shape.slice(-2).reverse()
          : inputs.a.shape.slice(-2);
        const n = tB
          ? inputs.b.shape[inputs.b.shape.length - 2]
          : inputs.b.shape[inputs.b.shape.length - 1];
        const batch = Math.max(
          size(inputs.a.shape.slice(0, -2)),
          size(inputs.b.shape.slice(0, -2)),
        );
        const viaOutput = tA && tB
          ? true
          : tB
          ? k * n > m * k + m * n
          : m * k > k * n + m * n;
        if (viaOutput && batch >= 1) {
          // Cᵀ = (tB ? B : Bᵀ)·(tA ? A : Aᵀ)
          const lhs = tB ? inputs.b : t(inputs.b);
          const rhs = tA ? inputs.a : t(inputs.a);
          const out = native({
            ...args,
            inputs: { a: lhs, b: rhs },
            attrs: plain,
          }) as tf.TensorInfo;
          const held = tf.engine().makeTensorFromTensorInfo(out);
          temps.push(held);
          return tf.transpose(held, swapLastTwo(out.shape.length));
        }
      }
      return native({
        ...args,
        inputs: {
          ...inputs,
          a: tA ? t(inputs.a) : inputs.a,
          b: tB ? t(inputs.b) : inputs.b,
        },
        attrs: plain,
      });
    } finally {
      for (const x of temps) x.dispose();
    }
  };
  f.ganbenchTransposeFree = true;
  return f;
}

/**
 * Replaces the wasm `BatchMatMul` and `_FusedMatMul` kernels with wrappers
 * that transpose operands explicitly. Idempotent; does nothing for kernels
 * the wasm backend does not (yet) have.
 *
 * @returns The kernel names this call replaced.
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-wasm";
 * registerWasmTransposedMatMul(); // ["BatchMatMul", "_FusedMatMul"]
 * ```
 */
export function registerWasmTransposedMatMul(): string[] {
  const done: string[] = [];
  for (const name of WASM_MATMUL_KERNELS) {
    const current = tf.getKernel(name, "wasm");
    if (current === undefined) continue;
    if ((current.kernelFunc as Marked).ganbenchTransposeFree) continue;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      ...current,
      kernelFunc: transposeFree(current.kernelFunc, name === "_FusedMatMul"),
    });
    done.push(`${name} (explicit transposes)`);
  }
  return done;
}

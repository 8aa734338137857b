/**
 * Float64 WebAssembly kernels for the metrics (private): a packed,
 * register-blocked Aᵀ·B product and the two O(n²)-per-step loops of the
 * Householder tridiagonalisation. The module is compiled from bytes held in
 * code ({@linkcode WASM_F64_BASE64}, source `_wasm_f64.wat`); it uses plain
 * 128-bit SIMD without fused multiply-add, so every machine computes the
 * same doubles, and the product adds each element's terms in k order, so it
 * equals the naive loop bit for bit.
 *
 * @module
 */
import { WASM_F64_BASE64 } from "./_wasm_f64_bytes.ts";

/** The raw exports of the module. */
interface Exports {
  memory: WebAssembly.Memory;
  panel(
    ap: number,
    bp: number,
    cp: number,
    kc: number,
    nj: number,
    ldc: number,
  ): void;
  tredSymv(v: number, d: number, e: number, n: number, i: number): void;
  tredUpdate(v: number, d: number, e: number, n: number, i: number): void;
  tredFused(
    v: number,
    u: number,
    w: number,
    u2: number,
    e2: number,
    n: number,
    i: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled module (compiled once per thread, synchronously). */
export function wasmF64Module(): WebAssembly.Module {
  if (compiled === undefined) {
    const bin = atob(WASM_F64_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/** One instance of the kernels with its own linear memory. */
export class F64Kernels {
  /** The instance's exports. */
  readonly fn: Exports;
  /**
   * @param module The compiled module (default: {@linkcode wasmF64Module}).
   */
  constructor(module: WebAssembly.Module = wasmF64Module()) {
    this.fn = new WebAssembly.Instance(module).exports as unknown as Exports;
  }
  /**
   * Grows the memory to at least `doubles` float64 slots and returns a view
   * of all of it (views taken earlier are invalid after a grow).
   *
   * @param doubles Number of float64 values needed from offset 0.
   * @returns A Float64Array over the whole memory.
   */
  reserve(doubles: number): Float64Array {
    const bytes = doubles * 8;
    const mem = this.fn.memory;
    if (bytes > 2 ** 32 - 65536) {
      throw new Error(
        `linalg: ${doubles} float64 values exceed the 4 GiB WebAssembly memory`,
      );
    }
    const have = mem.buffer.byteLength;
    if (bytes > have) mem.grow(Math.ceil((bytes - have) / 65536));
    return new Float64Array(mem.buffer);
  }
}

/** Width of a packed A sliver (rows of C per micro-kernel). */
export const MR = 4;
/** Width of a packed B sliver (columns of C per micro-kernel). */
export const NR = 4;
/** k-block length (a multiple of the kernel's 4-fold unrolling): two
 * slivers (8·KC doubles) fit in L1. */
const KC = 128;
/** j-block width: a KC × NC block of packed B (256 KB) stays in L2. */
const NC = 256;

/** A strided row-major operand of {@linkcode atbAccumulate}. */
export interface AtbOperand {
  /** Values; element (k, i) at `data[offset + k*ld + i]`. */
  data: Float64Array | Float32Array;
  /** Subtracted (in float64) from column i while packing: centring on the
   * fly, so that no centred copy of the data is made. */
  shift?: Float64Array;
  /** Start of element (0, 0). */
  offset: number;
  /** Row stride. */
  ld: number;
  /** Element (k, i) is zero whenever i > k (a lower-triangular matrix read
   * row-major): all-zero slivers of a k-block are skipped. */
  lower?: boolean;
}

/** Shape and options of {@linkcode atbAccumulate}. */
export interface AtbJob {
  /** Number of k (summed) rows. */
  k: number;
  /** Rows of C (columns of A). */
  m: number;
  /** Columns of C (columns of B). */
  n: number;
  /** Only the blocks that touch j ≥ i (C symmetric; the rest is garbage-free
   * but incomplete). */
  upper?: boolean;
  /** Subtract instead of add. */
  negate?: boolean;
  /** Only i-slivers s (rows 4s … 4s+3) with from ≤ s < to. */
  slivers?: [number, number];
}

/** Number of MR-row slivers of an m-row C. */
export function sliverCount(m: number): number {
  return Math.ceil(m / MR);
}

/**
 * C += Aᵀ B (or −=) with C in the kernels' memory: C(i, j) at double index
 * `cOff + i*ldc + j`. C must have room for ⌈m/4⌉·4 rows and ⌈n/4⌉·4 columns
 * (the padding receives zeros' products and must start at zero); ldc even
 * and cOff even keep the vector stores aligned-friendly. Scratch space for
 * the packed blocks starts at double index `scratch`; the caller reserves
 * {@linkcode atbScratch} doubles there. A and B may be views of the same
 * memory as long as they do not overlap C or the scratch.
 *
 * @param ker The kernels.
 * @param a Operand A (k × m, row-major).
 * @param b Operand B (k × n, row-major).
 * @param job Shape and options.
 * @param cOff Double index of C(0, 0).
 * @param ldc Row stride of C in doubles.
 * @param scratch Double index of the packing scratch.
 */
export function atbAccumulate(
  ker: F64Kernels,
  a: AtbOperand,
  b: AtbOperand,
  job: AtbJob,
  cOff: number,
  ldc: number,
  scratch: number,
): void {
  const { k, m, n } = job;
  const sA = sliverCount(m);
  const sB = Math.ceil(n / NR);
  const [s0, s1] = job.slivers ?? [0, sA];
  const mem = new Float64Array(ker.fn.memory.buffer);
  const packA = scratch;
  const packB = scratch + KC * sA * MR;
  const sign = job.negate ? -1 : 1;
  const A = a.data, B = b.data;
  const zeros = new Float64Array(Math.max(m, n));
  const shA = a.shift ?? zeros, shB = b.shift ?? zeros;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kReal = Math.min(KC, k - k0);
    const k1 = k0 + kReal;
    // The kernel takes whole groups of 4 k-rows: pad with zero rows, whose
    // products (0·x = 0) leave every sum unchanged.
    const kc = Math.ceil(kReal / 4) * 4;
    // Slivers that are entirely zero in this k-block are skipped.
    const sAEnd = a.lower ? Math.min(s1, Math.ceil(k1 / MR)) : s1;
    const sBEnd = b.lower ? Math.min(sB, Math.ceil(k1 / NR)) : sB;
    if (sAEnd <= s0 || sBEnd <= 0) continue;
    const tStart = job.upper ? Math.floor((s0 * MR) / NR) : 0;
    // Pack A slivers s0…sAEnd-1: [s][kk][r].
    for (let s = s0; s < sAEnd; s++) {
      const i0 = s * MR;
      let p = packA + s * kc * MR;
      const w = Math.min(MR, m - i0);
      for (let kk = 0; kk < kReal; kk++) {
        const src = a.offset + (k0 + kk) * a.ld + i0;
        let r = 0;
        for (; r < w; r++) mem[p + r] = sign * (A[src + r] - shA[i0 + r]);
        for (; r < MR; r++) mem[p + r] = 0;
        p += MR;
      }
      mem.fill(0, p, p + (kc - kReal) * MR);
    }
    for (let t = tStart; t < sBEnd; t++) {
      const j0 = t * NR;
      let p = packB + t * kc * NR;
      const w = Math.min(NR, n - j0);
      for (let kk = 0; kk < kReal; kk++) {
        const src = b.offset + (k0 + kk) * b.ld + j0;
        let c = 0;
        for (; c < w; c++) mem[p + c] = B[src + c] - shB[j0 + c];
        for (; c < NR; c++) mem[p + c] = 0;
        p += NR;
      }
      mem.fill(0, p, p + (kc - kReal) * NR);
    }
    const ncs = NC / NR;
    for (let tb = tStart; tb < sBEnd; tb += ncs) {
      const tbEnd = Math.min(sBEnd, tb + ncs);
      for (let s = s0; s < sAEnd; s++) {
        let t = tb;
        if (job.upper) {
          const tMin = Math.floor((s * MR) / NR);
          if (tMin >= tbEnd) continue;
          if (t < tMin) t = tMin;
        }
        ker.fn.panel(
          (packA + s * kc * MR) * 8,
          (packB + t * kc * NR) * 8,
          (cOff + s * MR * ldc + t * NR) * 8,
          kc,
          tbEnd - t,
          ldc * 8,
        );
      }
    }
  }
}

/**
 * Scratch doubles {@linkcode atbAccumulate} needs for an m × n product.
 *
 * @param m Rows of C.
 * @param n Columns of C.
 * @returns The number of doubles.
 */
export function atbScratch(m: number, n: number): number {
  return KC * (sliverCount(m) * MR + Math.ceil(n / NR) * NR);
}

;; Float64 kernels for the FID linear algebra (see _wasm_f64.ts, which holds
;; the compiled bytes; rebuild with `deno run --no-lock --allow-read=src/metrics
;; --allow-write=src/metrics src/metrics/_wasm_f64_build.ts`).
;; Plain SIMD only (no relaxed FMA): every result is the same IEEE double on
;; every machine. All pointers are byte offsets into the exported memory.
(module
  (memory (export "memory") 1)

  ;; C[0..4, 0..4*nj] += Aᵀ B for one 4-wide packed sliver of A (kc rows of 4
  ;; doubles at $ap) against nj 4-wide packed slivers of B (each kc rows of 4
  ;; doubles, one after another from $bp); kc > 0 is a multiple of 4 (the k
  ;; loop is unrolled 4 times). C rows are $ldc bytes apart. Each element is
  ;; summed in k order, so the result equals the naive loop's. (Generated
  ;; shape: 4×4 with 4-fold unrolling measured fastest among 2×8, 3×6, 4×4,
  ;; 3×8, 4×6 under V8.)
  (func (export "panel") (param $ap i32) (param $bp i32) (param $cp i32) (param $kc i32) (param $nj i32) (param $ldc i32)
  (local $a i32) (local $b i32) (local $c i32) (local $k i32)
  (local $c00 v128)
  (local $c01 v128)
  (local $c10 v128)
  (local $c11 v128)
  (local $c20 v128)
  (local $c21 v128)
  (local $c30 v128)
  (local $c31 v128)
  (local $a0 v128)
  (local $a1 v128)
  (local $a2 v128)
  (local $a3 v128)
  (local $b0 v128)
  (local $b1 v128)
  (local.set $b (local.get $bp)) (local.set $c (local.get $cp))
  (block $done (loop $sl (br_if $done (i32.le_s (local.get $nj) (i32.const 0)))
  (local.set $c00 (v128.load offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 0)))))
  (local.set $c01 (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 0)))))
  (local.set $c10 (v128.load offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 1)))))
  (local.set $c11 (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 1)))))
  (local.set $c20 (v128.load offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 2)))))
  (local.set $c21 (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 2)))))
  (local.set $c30 (v128.load offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3)))))
  (local.set $c31 (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3)))))
  (local.set $a (local.get $ap)) (local.set $k (local.get $kc))
  (loop $in
  (local.set $a0 (v128.load64_splat offset=0 (local.get $a)))
  (local.set $a1 (v128.load64_splat offset=8 (local.get $a)))
  (local.set $a2 (v128.load64_splat offset=16 (local.get $a)))
  (local.set $a3 (v128.load64_splat offset=24 (local.get $a)))
  (local.set $b0 (v128.load offset=0 (local.get $b)))
  (local.set $b1 (v128.load offset=16 (local.get $b)))
  (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a0) (local.get $b0))))
  (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a0) (local.get $b1))))
  (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a1) (local.get $b0))))
  (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a1) (local.get $b1))))
  (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a2) (local.get $b0))))
  (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a2) (local.get $b1))))
  (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a3) (local.get $b0))))
  (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a3) (local.get $b1))))
  (local.set $a0 (v128.load64_splat offset=32 (local.get $a)))
  (local.set $a1 (v128.load64_splat offset=40 (local.get $a)))
  (local.set $a2 (v128.load64_splat offset=48 (local.get $a)))
  (local.set $a3 (v128.load64_splat offset=56 (local.get $a)))
  (local.set $b0 (v128.load offset=32 (local.get $b)))
  (local.set $b1 (v128.load offset=48 (local.get $b)))
  (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a0) (local.get $b0))))
  (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a0) (local.get $b1))))
  (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a1) (local.get $b0))))
  (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a1) (local.get $b1))))
  (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a2) (local.get $b0))))
  (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a2) (local.get $b1))))
  (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a3) (local.get $b0))))
  (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a3) (local.get $b1))))
  (local.set $a0 (v128.load64_splat offset=64 (local.get $a)))
  (local.set $a1 (v128.load64_splat offset=72 (local.get $a)))
  (local.set $a2 (v128.load64_splat offset=80 (local.get $a)))
  (local.set $a3 (v128.load64_splat offset=88 (local.get $a)))
  (local.set $b0 (v128.load offset=64 (local.get $b)))
  (local.set $b1 (v128.load offset=80 (local.get $b)))
  (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a0) (local.get $b0))))
  (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a0) (local.get $b1))))
  (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a1) (local.get $b0))))
  (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a1) (local.get $b1))))
  (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a2) (local.get $b0))))
  (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a2) (local.get $b1))))
  (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a3) (local.get $b0))))
  (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a3) (local.get $b1))))
  (local.set $a0 (v128.load64_splat offset=96 (local.get $a)))
  (local.set $a1 (v128.load64_splat offset=104 (local.get $a)))
  (local.set $a2 (v128.load64_splat offset=112 (local.get $a)))
  (local.set $a3 (v128.load64_splat offset=120 (local.get $a)))
  (local.set $b0 (v128.load offset=96 (local.get $b)))
  (local.set $b1 (v128.load offset=112 (local.get $b)))
  (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a0) (local.get $b0))))
  (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a0) (local.get $b1))))
  (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a1) (local.get $b0))))
  (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a1) (local.get $b1))))
  (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a2) (local.get $b0))))
  (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a2) (local.get $b1))))
  (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a3) (local.get $b0))))
  (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a3) (local.get $b1))))
  (local.set $a (i32.add (local.get $a) (i32.const 128))) (local.set $b (i32.add (local.get $b) (i32.const 128)))
  (local.set $k (i32.sub (local.get $k) (i32.const 4))) (br_if $in (i32.gt_s (local.get $k) (i32.const 0))))
  (v128.store offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 0))) (local.get $c00))
  (v128.store offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 0))) (local.get $c01))
  (v128.store offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 1))) (local.get $c10))
  (v128.store offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 1))) (local.get $c11))
  (v128.store offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 2))) (local.get $c20))
  (v128.store offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 2))) (local.get $c21))
  (v128.store offset=0 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $c30))
  (v128.store offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $c31))
  (local.set $c (i32.add (local.get $c) (i32.const 32))) (local.set $nj (i32.sub (local.get $nj) (i32.const 1))) (br $sl))))

  ;; tred2 (values only), first half of step i on the column-major matrix at
  ;; $v (order $n): for j < i, g = e[j] + v[j][j]·d[j] + Σ_{k=j+1}^{i-1}
  ;; v[j][k]·d[k] and e[k] += v[j][k]·d[j]; then e[j] = g. The sum over k
  ;; runs in two lanes (even/odd offsets), added at the end.
  (func (export "tredSymv")
    (param $v i32) (param $d i32) (param $e i32) (param $n i32) (param $i i32)
    (local $j i32) (local $k i32) (local $col i32) (local $f f64) (local $g f64)
    (local $f2 v128) (local $g2 v128) (local $x v128)
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $i)))
        (local.set $col (i32.add (local.get $v) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
        (local.set $f (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $g (f64.add
          (f64.load (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3))))
          (f64.mul (f64.load (i32.add (local.get $col) (i32.shl (local.get $j) (i32.const 3)))) (local.get $f))))
        (local.set $f2 (f64x2.splat (local.get $f)))
        (local.set $g2 (v128.const f64x2 0 0))
        (local.set $k (i32.add (local.get $j) (i32.const 1)))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.gt_s (i32.add (local.get $k) (i32.const 1)) (i32.sub (local.get $i) (i32.const 1))))
            (local.set $x (v128.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $g2 (f64x2.add (local.get $g2)
              (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3)))))))
            (v128.store (i32.add (local.get $e) (i32.shl (local.get $k) (i32.const 3)))
              (f64x2.add (v128.load (i32.add (local.get $e) (i32.shl (local.get $k) (i32.const 3))))
                (f64x2.mul (local.get $x) (local.get $f2))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $kloop)))
        ;; Odd leftover (k = i − 1).
        (if (i32.le_s (local.get $k) (i32.sub (local.get $i) (i32.const 1)))
          (then
            (local.set $g2 (f64x2.add (local.get $g2) (f64x2.mul
              (v128.load64_zero (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 3))))
              (v128.load64_zero (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3)))))))
            (f64.store (i32.add (local.get $e) (i32.shl (local.get $k) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $e) (i32.shl (local.get $k) (i32.const 3))))
                (f64.mul (f64.load (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 3)))) (local.get $f))))))
        (f64.store (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3)))
          (f64.add (local.get $g) (f64.add (f64x2.extract_lane 0 (local.get $g2)) (f64x2.extract_lane 1 (local.get $g2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop))))

  ;; tred2 (values only), second half of step i: for j < i,
  ;; v[j][k] −= d[j]·e[k] + e[j]·d[k] (k = j … i−1), then d[j] = v[j][i−1].
  ;; Element-wise, so identical to the scalar loop.
  (func (export "tredUpdate")
    (param $v i32) (param $d i32) (param $e i32) (param $n i32) (param $i i32)
    (local $j i32) (local $k i32) (local $col i32) (local $p i32)
    (local $f2 v128) (local $g2 v128)
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $i)))
        (local.set $col (i32.add (local.get $v) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
        (local.set $f2 (v128.load64_splat (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $g2 (v128.load64_splat (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $k (local.get $j))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.gt_s (i32.add (local.get $k) (i32.const 1)) (i32.sub (local.get $i) (i32.const 1))))
            (local.set $p (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 3))))
            (v128.store (local.get $p) (f64x2.sub (v128.load (local.get $p))
              (f64x2.add
                (f64x2.mul (local.get $f2) (v128.load (i32.add (local.get $e) (i32.shl (local.get $k) (i32.const 3)))))
                (f64x2.mul (local.get $g2) (v128.load (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $kloop)))
        (if (i32.le_s (local.get $k) (i32.sub (local.get $i) (i32.const 1)))
          (then
            (local.set $p (i32.add (local.get $col) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $p) (f64.sub (f64.load (local.get $p))
              (f64.add
                (f64.mul (f64x2.extract_lane 0 (local.get $f2)) (f64.load (i32.add (local.get $e) (i32.shl (local.get $k) (i32.const 3)))))
                (f64.mul (f64x2.extract_lane 0 (local.get $g2)) (f64.load (i32.add (local.get $d) (i32.shl (local.get $k) (i32.const 3))))))))))
        (f64.store (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))
          (f64.load (i32.add (local.get $col) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop))))

  ;; Step i's update fused with step i−1's first half (one pass over the
  ;; matrix instead of two; same doubles as tredUpdate then tredSymv). With
  ;; u, w the vectors d, e of step i and u2, e2 those of step i−1 (u2 already
  ;; scaled, e2 zero): for j < i, v[j][k] −= u[j]·w[k] + w[j]·u[k]
  ;; (k = j … i−1); then, for j < i−1, with the updated column,
  ;; g = e2[j] + v[j][j]·u2[j] + Σ_{k=j+1}^{i-2} v[j][k]·u2[k] (two lanes),
  ;; e2[k] += v[j][k]·u2[j], e2[j] = g.
  (func (export "tredFused")
    (param $v i32) (param $u i32) (param $w i32) (param $u2 i32) (param $e2 i32)
    (param $n i32) (param $i i32)
    (local $j i32) (local $k i32) (local $col i32) (local $p i32) (local $q i32)
    (local $f2 v128) (local $g2 v128) (local $h2 v128) (local $acc v128) (local $x v128)
    (local $x1 f64) (local $g f64) (local $hj f64)
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $i)))
        (local.set $col (i32.add (local.get $v) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
        (local.set $f2 (v128.load64_splat (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $g2 (v128.load64_splat (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3)))))
        ;; k = j: update; the diagonal term of step i−1.
        (local.set $p (i32.add (local.get $col) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $q (i32.shl (local.get $j) (i32.const 3)))
        (local.set $x1 (f64.sub (f64.load (local.get $p))
          (f64.add
            (f64.mul (f64x2.extract_lane 0 (local.get $f2)) (f64.load (i32.add (local.get $w) (local.get $q))))
            (f64.mul (f64x2.extract_lane 0 (local.get $g2)) (f64.load (i32.add (local.get $u) (local.get $q)))))))
        (f64.store (local.get $p) (local.get $x1))
        (if (i32.lt_s (local.get $j) (i32.sub (local.get $i) (i32.const 1)))
          (then
            (local.set $hj (f64.load (i32.add (local.get $u2) (local.get $q))))
            (local.set $h2 (f64x2.splat (local.get $hj)))
            (local.set $g (f64.add (f64.load (i32.add (local.get $e2) (local.get $q)))
              (f64.mul (local.get $x1) (local.get $hj))))
            (local.set $acc (v128.const f64x2 0 0))
            ;; k = j+1 … i−2 in pairs: update, then both halves of the product.
            (local.set $k (i32.add (local.get $j) (i32.const 1)))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.gt_s (i32.add (local.get $k) (i32.const 1)) (i32.sub (local.get $i) (i32.const 2))))
                (local.set $q (i32.shl (local.get $k) (i32.const 3)))
                (local.set $p (i32.add (local.get $col) (local.get $q)))
                (local.set $x (f64x2.sub (v128.load (local.get $p))
                  (f64x2.add
                    (f64x2.mul (local.get $f2) (v128.load (i32.add (local.get $w) (local.get $q))))
                    (f64x2.mul (local.get $g2) (v128.load (i32.add (local.get $u) (local.get $q)))))))
                (v128.store (local.get $p) (local.get $x))
                (local.set $acc (f64x2.add (local.get $acc)
                  (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $u2) (local.get $q))))))
                (v128.store (i32.add (local.get $e2) (local.get $q))
                  (f64x2.add (v128.load (i32.add (local.get $e2) (local.get $q)))
                    (f64x2.mul (local.get $x) (local.get $h2))))
                (local.set $k (i32.add (local.get $k) (i32.const 2)))
                (br $kloop)))
            (if (i32.le_s (local.get $k) (i32.sub (local.get $i) (i32.const 2)))
              (then
                (local.set $q (i32.shl (local.get $k) (i32.const 3)))
                (local.set $p (i32.add (local.get $col) (local.get $q)))
                (local.set $x1 (f64.sub (f64.load (local.get $p))
                  (f64.add
                    (f64.mul (f64x2.extract_lane 0 (local.get $f2)) (f64.load (i32.add (local.get $w) (local.get $q))))
                    (f64.mul (f64x2.extract_lane 0 (local.get $g2)) (f64.load (i32.add (local.get $u) (local.get $q)))))))
                (f64.store (local.get $p) (local.get $x1))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul
                  (f64x2.replace_lane 0 (v128.const f64x2 0 0) (local.get $x1))
                  (v128.load64_zero (i32.add (local.get $u2) (local.get $q))))))
                (f64.store (i32.add (local.get $e2) (local.get $q))
                  (f64.add (f64.load (i32.add (local.get $e2) (local.get $q)))
                    (f64.mul (local.get $x1) (local.get $hj))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))))
            ;; k = i−1: update only.
            (local.set $q (i32.shl (local.get $k) (i32.const 3)))
            (local.set $p (i32.add (local.get $col) (local.get $q)))
            (f64.store (local.get $p) (f64.sub (f64.load (local.get $p))
              (f64.add
                (f64.mul (f64x2.extract_lane 0 (local.get $f2)) (f64.load (i32.add (local.get $w) (local.get $q))))
                (f64.mul (f64x2.extract_lane 0 (local.get $g2)) (f64.load (i32.add (local.get $u) (local.get $q)))))))
            (f64.store (i32.add (local.get $e2) (i32.shl (local.get $j) (i32.const 3)))
              (f64.add (local.get $g) (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop))))

)

;; The hot loop of `writeCharShingleSignature` (minhash.ts) in WebAssembly: the bins' minima of the one-permutation
;; MinHash of a text's character shingles, with the same rolling hash, finaliser and bin choice as the JavaScript loop,
;; so the minima are bit-identical. It reads the text as bytes, one per character: the caller passes only pure ASCII
;; text, whose UTF-8 bytes are its UTF-16 code units. Densification of empty bins stays in JavaScript.
;;
;; After editing, run `npm run build:wasm` to regenerate minhashWasm.ts (test/core/minhashWasm.test.ts fails while the
;; committed bytes differ from this source).
;;
;; Memory layout, chosen by the caller: the minima as `bins` signed 32-bit integers from address 0, the text's bytes
;; from address `text`. The caller grows the memory when a text does not fit.
(module
  (memory (export "memory") 1)

  ;; Writes the minima of the `size`-grams of the `length` bytes at `text` into bins 0..`bins`. Requires
  ;; size >= 1 and length > size; `drop` is ROLLING_BASE^(size - 1) mod 2^32, which removes the oldest byte from the
  ;; rolling hash.
  (func (export "minima") (param $text i32) (param $length i32) (param $size i32) (param $bins i32) (param $drop i32)
    (local $rolling i32) (local $i i32) (local $end i32) (local $h i32) (local $addr i32) (local $value i32)
    (local $current i32)

    ;; Every bin starts empty: 0x7fffffff is EMPTY in minhash.ts.
    (block $filled (loop $fill
      (br_if $filled (i32.ge_u (local.get $i) (local.get $bins)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.const 0x7fffffff))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))

    ;; Prime the rolling hash with the first size - 1 bytes (ROLLING_BASE = 16777619).
    (local.set $i (i32.const 0))
    (block $primed (loop $prime
      (br_if $primed (i32.ge_u (local.get $i) (i32.sub (local.get $size) (i32.const 1))))
      (local.set $rolling (i32.add (i32.mul (local.get $rolling) (i32.const 16777619))
        (i32.load8_u (i32.add (local.get $text) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $prime)))

    ;; One shingle per position: `end` is the index of its last byte, end - (size - 1) that of its first.
    (local.set $end (i32.sub (local.get $size) (i32.const 1)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $end) (local.get $length)))
      (local.set $rolling (i32.add (i32.mul (local.get $rolling) (i32.const 16777619))
        (i32.load8_u (i32.add (local.get $text) (local.get $end)))))

      ;; MurmurHash3's fmix32 of rolling ^ CHAR_SEED (0x811c9dc5).
      (local.set $h (i32.xor (local.get $rolling) (i32.const 0x811c9dc5)))
      (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
      (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
      (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
      (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
      (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

      ;; The bin is floor(h * bins / 2^32), computed in 16-bit halves exactly as binOf does; times 4 for its address.
      (local.set $addr (i32.shl
        (i32.shr_u
          (i32.add
            (i32.mul (i32.shr_u (local.get $h) (i32.const 16)) (local.get $bins))
            (i32.shr_u (i32.mul (i32.and (local.get $h) (i32.const 0xffff)) (local.get $bins)) (i32.const 16)))
          (i32.const 16))
        (i32.const 2)))

      ;; The bin keeps the smaller of its minimum and h ^ 2^31, compared signed (the unsigned order of the hashes);
      ;; `select` keeps it branch-free, as the JavaScript loop is.
      (local.set $value (i32.xor (local.get $h) (i32.const 0x80000000)))
      (local.set $current (i32.load (local.get $addr)))
      (i32.store (local.get $addr)
        (select (local.get $value) (local.get $current) (i32.lt_s (local.get $value) (local.get $current))))

      ;; Drop the shingle's first byte from the rolling hash.
      (local.set $rolling (i32.sub (local.get $rolling)
        (i32.mul
          (i32.load8_u (i32.add (local.get $text) (i32.sub (local.get $end) (i32.sub (local.get $size) (i32.const 1)))))
          (local.get $drop))))
      (local.set $end (i32.add (local.get $end) (i32.const 1)))
      (br $next)))
  )
)

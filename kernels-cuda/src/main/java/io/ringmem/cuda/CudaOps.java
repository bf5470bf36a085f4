package io.ringmem.cuda;

import io.ringmem.kernel.AttentionShape;
import io.ringmem.model.RopeLayout;

/**
 * Typed launches of the kernels in {@code src/main/cuda}, one method per kernel, each validating its shape and
 * computing its {@link Launch}. On a device the {@link Launcher} is a {@link CudaContext} and callers are inside
 * {@link CudaContext#call}. Launches are asynchronous on the
 * compute stream; {@link DeviceBuffer#download} waits for them.
 */
final class CudaOps {
    private final Launcher ctx;

    CudaOps(Launcher ctx) {
        this.ctx = ctx;
    }

    /** c (m, n) = a (m, k) · wᵀ (+ c when accumulate) for device weights w (n, k) in bf16 or fp32. */
    void gemm(DeviceBuffer a, int m, DeviceWeights w, DeviceBuffer c, boolean accumulate) {
        int acc = accumulate ? 1 : 0;
        if (w.bf16()) {
            ctx.launch("gemm", "gemm_f32a_bf16_tc", Launch.gemmTensorCore(m, w.rows(), w.cols()), a, w.data(), c, m,
                    w.rows(), w.cols(), acc);
        } else {
            ctx.launch("gemm", "gemm_f32", Launch.gemmF32(m, w.rows(), w.cols()), a, w.data(), c, m, w.rows(), w.cols(), acc);
        }
    }

    /** c (m, n) = a (m, k) · wᵀ (+ c) with a already in bf16 (from {@link #toBf16}) and bf16 weights w (n, k). */
    void gemmBf16(DeviceBuffer aBf16, int m, DeviceWeights w, DeviceBuffer c, boolean accumulate) {
        if (!w.bf16()) throw new IllegalArgumentException("gemm_bf16_tc needs bf16 weights");
        ctx.launch("gemm", "gemm_bf16_tc", Launch.gemmTensorCore(m, w.rows(), w.cols()), aBf16, w.data(), c, m, w.rows(),
                w.cols(), accumulate ? 1 : 0);
    }

    /** out[i] = bf16(x[i]) (round to nearest even) over len elements. */
    void toBf16(DeviceBuffer x, DeviceBuffer out, long len) {
        ctx.launch("elementwise", "f32_to_bf16", Launch.elementwise(len), x, out, len);
    }

    /** h[i] += y[i] over len elements. */
    void add(DeviceBuffer h, DeviceBuffer y, long len) {
        ctx.launch("elementwise", "add_f32", Launch.elementwise(len), h, y, len);
    }

    /** out (n, dim) = rows ids of a bf16 embedding table (vocab, dim). */
    void embedBf16(DeviceBuffer table, DeviceBuffer ids, int n, int dim, int vocab, DeviceBuffer out) {
        ctx.launch("elementwise", "embed_bf16", Launch.elementwise((long) n * dim), table, ids, n, dim, vocab, out);
    }

    /** out (n, dim) = rmsnorm(x) · weight; out may be x. */
    void rmsnorm(DeviceBuffer x, DeviceBuffer weight, float eps, int n, int dim, DeviceBuffer out) {
        ctx.launch("norm", "rmsnorm_f32", Launch.blockPerRow(n), x, weight, eps, n, dim, out);
    }

    /** Rotates x (n, heads, 2·half) in place with cos, sin (n, half). */
    void rope(DeviceBuffer x, int n, int heads, int half, DeviceBuffer cos, DeviceBuffer sin, RopeLayout layout) {
        int code = layout == RopeLayout.ADJACENT_PAIRS ? 0 : 1;
        ctx.launch("elementwise", "rope_f32", Launch.elementwise((long) n * heads * half), x, n, heads, half, cos, sin, code);
    }

    /** gate = silu(gate) · up over len elements. */
    void swiglu(DeviceBuffer gate, DeviceBuffer up, long len) {
        ctx.launch("elementwise", "swiglu_f32", Launch.elementwise(len), gate, up, len);
    }

    /** out (count, dim) = rows of x (n, dim). */
    void gatherRows(DeviceBuffer x, DeviceBuffer rows, int count, int dim, DeviceBuffer out) {
        ctx.launch("elementwise", "gather_rows_f32", Launch.elementwise((long) count * dim), x, rows, count, dim, out);
    }

    /**
     * Flash attention: q (nq, heads, d), k and v (nk, kvHeads, d), positions qPos (nq), kPos (nk); writes out
     * (nq, heads, d) and lse (nq, heads).
     */
    void attention(AttentionShape s, DeviceBuffer q, DeviceBuffer qPos, int nq, DeviceBuffer k, DeviceBuffer v,
                   DeviceBuffer kPos, int nk, boolean causal, DeviceBuffer out, DeviceBuffer lse) {
        AttentionKernel kernel = AttentionKernel.forHeadDim(s.headDim());
        Launch g = Launch.attention(nq, s.heads());
        int c = causal ? 1 : 0;
        if (nk == 0) throw new IllegalArgumentException("attention over an empty KV block is handled on the host");
        if (kernel.headDimArg()) {
            ctx.launch("attention", kernel.function(), g, q, k, v, qPos, kPos, nq, nk, s.heads(), s.kvHeads(), s.headDim(),
                    s.scale(), c, out, lse);
        } else {
            ctx.launch("attention", kernel.function(), g, q, k, v, qPos, kPos, nq, nk, s.heads(), s.kvHeads(), s.scale(), c,
                    out, lse);
        }
    }

    /** Merges (out2, lse2) into (out1, lse1): rows of d values. */
    void merge(DeviceBuffer out1, DeviceBuffer lse1, DeviceBuffer out2, DeviceBuffer lse2, int rows, int d) {
        ctx.launch("merge", "attn_merge", Launch.warpPerRow(rows), out1, lse1, out2, lse2, rows, d);
    }

    /** Per row of logits (n, vocab): nll (n); logits replaced by log-probabilities when asked. */
    void logSoftmaxNll(DeviceBuffer logits, DeviceBuffer targets, int n, int vocab, DeviceBuffer nll, boolean writeLogProbs) {
        ctx.launch("norm", "log_softmax_nll", Launch.blockPerRow(n), logits, targets, n, vocab, nll, writeLogProbs ? 1 : 0);
    }

    /** out (n, dim) = rows ids of an fp32 embedding table (vocab, dim). */
    void embed(DeviceBuffer table, DeviceBuffer ids, int n, int dim, int vocab, DeviceBuffer out) {
        ctx.launch("elementwise", "embed_f32", Launch.elementwise((long) n * dim), table, ids, n, dim, vocab, out);
    }

    /** int8 codes of x (rows, d): scales, mins (rows), codes (rows·d bytes); bad set to 1 on non-finite input. */
    void int8Encode(DeviceBuffer x, int rows, int d, DeviceBuffer scales, DeviceBuffer mins, DeviceBuffer codes,
                    DeviceBuffer bad) {
        ctx.launch("kvquant", "kv_int8_encode", Launch.warpPerRow(rows), x, rows, d, scales, mins, codes, bad);
    }

    /** KIVI int4 keys k (m, w), m a multiple of 32: scales, mins (m/32, w), packed codes (m·w/2 bytes). */
    void int4EncodeKeys(DeviceBuffer k, int m, int w, DeviceBuffer scales, DeviceBuffer mins, DeviceBuffer packed,
                        DeviceBuffer bad) {
        if (m % 32 != 0 || w % 2 != 0) throw new IllegalArgumentException("int4 keys need m % 32 == 0 and even w: " + m + ", " + w);
        ctx.launch("kvquant", "kv_int4_encode_keys", Launch.elementwise((long) (m / 32) * (w / 2)), k, m, w, scales, mins,
                packed, bad);
    }

    /** KIVI int4 values v (rows, d), d even: scales, mins (rows, ceil(d / min(32, d))), packed codes (rows·d/2 bytes). */
    void int4EncodeValues(DeviceBuffer v, int rows, int d, DeviceBuffer scales, DeviceBuffer mins, DeviceBuffer packed,
                          DeviceBuffer bad) {
        if (d % 2 != 0) throw new IllegalArgumentException("int4 values need an even head dim, got " + d);
        int vg = Math.min(32, d), nvg = (d + vg - 1) / vg;
        ctx.launch("kvquant", "kv_int4_encode_values", Launch.elementwise((long) rows * nvg), v, rows, d, scales, mins, packed, bad);
    }

    /** x (rows, d) = decoded int8 codes. */
    void int8Decode(DeviceBuffer scales, DeviceBuffer mins, DeviceBuffer codes, int rows, int d, DeviceBuffer x) {
        ctx.launch("kvquant", "kv_int8_decode", Launch.elementwise((long) rows * d), scales, mins, codes, rows, d, x);
    }

    /** k (m, w) = decoded int4 keys. */
    void int4DecodeKeys(DeviceBuffer scales, DeviceBuffer mins, DeviceBuffer packed, int m, int w, DeviceBuffer k) {
        ctx.launch("kvquant", "kv_int4_decode_keys", Launch.elementwise((long) m * w / 2), scales, mins, packed, m, w, k);
    }

    /** v (rows, d) = decoded int4 values. */
    void int4DecodeValues(DeviceBuffer scales, DeviceBuffer mins, DeviceBuffer packed, int rows, int d, DeviceBuffer v) {
        ctx.launch("kvquant", "kv_int4_decode_values", Launch.elementwise((long) rows * d / 2), scales, mins, packed, rows, d, v);
    }
}

package io.ringmem.kernel;

import io.ringmem.quant.DecodeDots;
import io.ringmem.tensor.Matrix;

/**
 * {@code out (n, rows) = x (n, in) · wᵀ} on the pool: picks {@link MatmulDot} for a few tokens (the weight stream
 * dominates, packing would not pay) and {@link MatmulPacked} otherwise, in passes of up to {@link #PASS_TOKENS}
 * tokens, and splits weight rows into chunks across threads. Block-quantized weights ({@link Matrix#format()}) take
 * {@link QuantizedDot} (fused dequantize-dot per row) for a few tokens, and the packed path with each panel of
 * weight rows unpacked to fp32 on the fly otherwise, or, where {@link QuantizedPrefill} selects it for the format,
 * {@link MatmulInt8} (int8 activations, integer dots). Calls with little work stay on the caller thread, and so
 * do calls whose weights live in a confined arena (only the owner thread may read them).
 */
final class VectorMatmul {
    /** Below this many tokens the dot-product path is used. */
    static final int PACKED_MIN_TOKENS = 8;
    /** Tokens per packed pass: bounds the scratch (packed x, partial sums) to 256 × max(in, rows) floats. */
    static final int PASS_TOKENS = 256;
    /** Multiply-adds below which a call stays on the caller thread. */
    private static final long PARALLEL_WORK = 1 << 18;
    /** Floats of x below which packing stays on the caller thread. */
    private static final int PARALLEL_PACK = 1 << 16;

    private final WorkerPool pool;
    private final QuantizedPrefill prefill;

    VectorMatmul(WorkerPool pool) {
        this(pool, QuantizedPrefill.AUTO);
    }

    VectorMatmul(WorkerPool pool, QuantizedPrefill prefill) {
        this.pool = pool;
        this.prefill = prefill;
    }

    // x (n, in) · w (rows, in)ᵀ → out (n, rows)
    void matmul(float[] x, int n, Matrix w, float[] out) {
        int in = w.cols(), rows = w.rows();
        if (n < 0 || x.length < (long) n * in || out.length < (long) n * rows) {
            throw new IllegalArgumentException("matmul arrays do not hold x (" + n + ", " + in + ") and out ("
                    + n + ", " + rows + ")");
        }
        if (n == 0) return;
        // a segment of a confined arena may only be read by its owner thread: such calls stay on the caller
        boolean parallel = (long) n * rows * in >= PARALLEL_WORK && pool.parallelism() > 1
                && pool.helpersCanAccess(w.data());
        if (n < PACKED_MIN_TOKENS && w.quantized()) {
            forRowChunks(rows, DecodeDots.ROWS, parallel, (r0, r1) -> QuantizedDot.rowRange(x, n, w, out, r0, r1));
            return;
        }
        if (n < PACKED_MIN_TOKENS) {
            forRowChunks(rows, MatmulDot.RB, parallel, (r0, r1) -> MatmulDot.rowRange(x, n, in, w.data(), rows, out, r0, r1));
            return;
        }
        int passes = (n + PASS_TOKENS - 1) / PASS_TOKENS, per = (n + passes - 1) / passes; // even passes
        boolean int8 = w.quantized() && prefill.usesInt8(w.format());
        for (int t0 = 0; t0 < n; t0 += per) {
            if (int8) int8Pass(x, t0, Math.min(per, n - t0), w, out, parallel);
            else packedPass(x, t0, Math.min(per, n - t0), w, out, parallel);
        }
    }

    /** Tokens [t0, t0 + n) through the int8-activation path ({@link MatmulInt8}). */
    private void int8Pass(float[] x, int t0, int n, Matrix w, float[] out, boolean parallel) {
        int in = w.cols(), rows = w.rows();
        MatmulInt8.Packed pk = MatmulInt8.allocate(n, in, w.format());
        int xOff = t0 * in;
        if (parallel && n * in >= PARALLEL_PACK) {
            pool.forRanges(pk.panels(), 1, (p0, p1) -> MatmulInt8.pack(x, xOff, pk, p0, p1));
        } else {
            MatmulInt8.pack(x, xOff, pk, 0, pk.panels());
        }
        forRowChunks(rows, MatmulInt8.RB, parallel, (r0, r1) -> MatmulInt8.rowRange(pk, w, out, t0 * rows, r0, r1));
    }

    /** Tokens [t0, t0 + n) through the packed path. */
    private void packedPass(float[] x, int t0, int n, Matrix w, float[] out, boolean parallel) {
        int in = w.cols(), rows = w.rows();
        int np = MatmulPacked.paddedTokens(n);
        int kc = w.quantized() ? MatmulPacked.blockLength(np, in, w.format().blockElements()) : MatmulPacked.blockLength(np, in);
        float[] xp = new float[in * np];  // (panels, in, 16): x transposed in panels of 16 tokens
        int xOff = t0 * in;
        if (parallel && n * in >= PARALLEL_PACK) {
            int panels = (n + MatmulPacked.TB - 1) / MatmulPacked.TB;
            pool.forRanges(panels, 1, (p0, p1) -> MatmulPacked.pack(x, xOff, in, np, xp, p0 * MatmulPacked.TB,
                    Math.min(n, p1 * MatmulPacked.TB)));
        } else {
            MatmulPacked.pack(x, xOff, in, np, xp, 0, n);
        }
        float[] acc = kc < in ? new float[rows * np] : null; // (rows, np) partial sums between reduction blocks
        forRowChunks(rows, MatmulPacked.RB, parallel,
                (r0, r1) -> MatmulPacked.rowRange(xp, n, np, in, kc, w, acc, out, t0 * rows, r0, r1));
    }

    /** Runs body over [0, rows) in chunks that start on multiples of tile, a few per thread when parallel. */
    private void forRowChunks(int rows, int tile, boolean parallel, WorkerPool.RangeBody body) {
        int tiles = (rows + tile - 1) / tile;
        int chunks = parallel ? Math.min(tiles, pool.parallelism() * 4) : 1;
        if (chunks <= 1) {
            body.run(0, rows);
            return;
        }
        pool.forEach(chunks, c -> {
            int r0 = (int) ((long) tiles * c / chunks) * tile;
            int r1 = Math.min(rows, (int) ((long) tiles * (c + 1) / chunks) * tile);
            body.run(r0, r1);
        });
    }
}

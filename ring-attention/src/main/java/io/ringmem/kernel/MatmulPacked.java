package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.tensor.Matrix;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The batched matmul path, BLAS style: x is packed transposed once per pass into panels of 16 tokens,
 * {@code xp (panels, in, 16)} (the last panel 8 or 16 wide, zero padded), so tokens run along the vector lanes.
 * The register tile is 16 tokens × 6 weight rows (12 FMA accumulators): per reduction step it loads two vectors of
 * the panel and broadcasts six weight scalars, so nothing needs a horizontal sum. The six weight rows of a reduction
 * block are first bulk-copied from the (possibly mapped) segment into a small heap array: scalar segment reads
 * would each pay a bounds check the JIT cannot hoist.
 *
 * <p>The reduction dimension is cut into blocks of {@code kc} so the packed block ({@code kc × np} floats) stays
 * in L2 while a thread sweeps its rows (for block-quantized weights, kc is whole blocks and the six rows' block is
 * unpacked to fp32 into the same heap array instead of copied: a panel decoded on the fly, once per pass); partial
 * sums between blocks live in {@code acc (rows, np)}, and the last block writes each tile transposed into {@code out (n, rows)}.
 */
final class MatmulPacked {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int TB = 2 * L; // tokens per register tile and per packed panel
    static final int RB = 6;     // weight rows per register tile
    /** Target size in floats of one reduction block of packed x (kc × np): about half of a 512 KiB L2. */
    private static final int BLOCK_FLOATS = 1 << 16;

    private MatmulPacked() {
    }

    /** n rounded up to whole vectors: the packed width. */
    static int paddedTokens(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * Reduction block length for np padded tokens and reduction length in, rounded up to whole blocks of
     * {@code block} weights (1 for fp32; in must then be a multiple of it).
     */
    static int blockLength(int np, int in, int block) {
        int kc = blockLength(np, in);
        return block == 1 || kc == in ? kc : Math.min(in, (kc + block - 1) / block * block);
    }

    /** Reduction block length for np padded tokens and reduction length in. */
    static int blockLength(int np, int in) {
        int kc = Math.max(128, BLOCK_FLOATS / np);
        if (kc >= in) return in;
        int blocks = (in + kc - 1) / kc;
        return (in + blocks - 1) / blocks; // equal blocks
    }

    /**
     * Packs tokens [t0, t1) of the pass (t0 a multiple of {@link #TB}): xp[panel·TB·in + k·width + lane] =
     * x[xOff + t·in + k].
     */
    static void pack(float[] x, int xOff, int in, int np, float[] xp, int t0, int t1) {
        for (int t = t0; t < t1; t++) {
            int p = t / TB, lane = t % TB;
            int xo = xOff + t * in, po = p * TB * in + lane;
            // constant strides let the JIT drop the bounds checks
            if (np - p * TB >= TB) {
                for (int k = 0; k < in; k++) xp[po + k * TB] = x[xo + k];
            } else {
                for (int k = 0; k < in; k++) xp[po + k * L] = x[xo + k];
            }
        }
    }

    /**
     * out[outOff + t·rows + r] for the pass's n tokens and r in [r0, r1); r0 must be a multiple of {@link #RB}.
     *
     * @param acc (rows, np) partial sums, only used when kc &lt; in
     */
    static void rowRange(float[] xp, int n, int np, int in, int kc, Matrix w, float[] acc, float[] out, int outOff,
                         int r0, int r1) {
        MemorySegment seg = w.data();
        int rows = w.rows();
        BlockFormat fmt = w.format();
        long rowBytes = w.rowBytes();
        int be = fmt == null ? 1 : fmt.blockElements();
        float[] tile = new float[RB * TB];
        float[] wr = new float[RB * kc]; // (6, kc) the current weight rows' block, copied from the segment
        for (int k0 = 0; k0 < in; k0 += kc) {
            int k1 = Math.min(in, k0 + kc);
            boolean first = k0 == 0, last = k1 == in;
            for (int r = r0; r < r1; r += RB) {
                int nr = Math.min(RB, r1 - r);
                if (fmt == null) {
                    for (int j = 0; j < nr; j++) {
                        MemorySegment.copy(seg, Matrix.FLOAT_LE, ((long) (r + j) * in + k0) * Float.BYTES, wr, j * kc, k1 - k0);
                    }
                } else { // quantized rows: unpack the block's panel of weights to fp32 (kc is a multiple of the block)
                    for (int j = 0; j < nr; j++) {
                        fmt.unpack(seg, (r + j) * rowBytes + (long) (k0 / be) * fmt.blockBytes(), wr, j * kc, (k1 - k0) / be);
                    }
                }
                for (int t = 0; t < n; t += TB) {
                    int nt = Math.min(TB, n - t), width = Math.min(TB, np - t);
                    int po = t * in; // panel t / TB starts at (t / TB) · TB · in
                    if (!first) loadTile(tile, acc, np, r, nr, t, width);
                    if (nr == RB && width == TB) {
                        tile16x6(xp, po, k0, k1, wr, kc, first, tile);
                    } else if (nr == RB) {
                        tile8x6(xp, po, k0, k1, wr, kc, first, tile);
                    } else {
                        tileAny(xp, po, width, k0, k1, wr, kc, nr, first, tile);
                    }
                    if (last) writeTile(tile, out, outOff, rows, r, nr, t, nt);
                    else storeTile(tile, acc, np, r, nr, t, width);
                }
            }
        }
    }

    // tile (RB, TB) += xp panel (k0..k1, 16) · wr (6, kc)ᵀ, wr holding the block's six weight rows
    private static void tile16x6(float[] xp, int po, int k0, int k1, float[] wr, int kc, boolean first, float[] tile) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (first) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, tile, 0); c01 = FloatVector.fromArray(S, tile, L);
            c10 = FloatVector.fromArray(S, tile, TB); c11 = FloatVector.fromArray(S, tile, TB + L);
            c20 = FloatVector.fromArray(S, tile, 2 * TB); c21 = FloatVector.fromArray(S, tile, 2 * TB + L);
            c30 = FloatVector.fromArray(S, tile, 3 * TB); c31 = FloatVector.fromArray(S, tile, 3 * TB + L);
            c40 = FloatVector.fromArray(S, tile, 4 * TB); c41 = FloatVector.fromArray(S, tile, 4 * TB + L);
            c50 = FloatVector.fromArray(S, tile, 5 * TB); c51 = FloatVector.fromArray(S, tile, 5 * TB + L);
        }
        int len = k1 - k0, xo = po + k0 * TB;
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(S, xp, xo + k * TB), x1 = FloatVector.fromArray(S, xp, xo + k * TB + L);
            FloatVector b = FloatVector.broadcast(S, wr[k]);
            c00 = x0.fma(b, c00); c01 = x1.fma(b, c01);
            b = FloatVector.broadcast(S, wr[kc + k]);
            c10 = x0.fma(b, c10); c11 = x1.fma(b, c11);
            b = FloatVector.broadcast(S, wr[2 * kc + k]);
            c20 = x0.fma(b, c20); c21 = x1.fma(b, c21);
            b = FloatVector.broadcast(S, wr[3 * kc + k]);
            c30 = x0.fma(b, c30); c31 = x1.fma(b, c31);
            b = FloatVector.broadcast(S, wr[4 * kc + k]);
            c40 = x0.fma(b, c40); c41 = x1.fma(b, c41);
            b = FloatVector.broadcast(S, wr[5 * kc + k]);
            c50 = x0.fma(b, c50); c51 = x1.fma(b, c51);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, TB); c11.intoArray(tile, TB + L);
        c20.intoArray(tile, 2 * TB); c21.intoArray(tile, 2 * TB + L);
        c30.intoArray(tile, 3 * TB); c31.intoArray(tile, 3 * TB + L);
        c40.intoArray(tile, 4 * TB); c41.intoArray(tile, 4 * TB + L);
        c50.intoArray(tile, 5 * TB); c51.intoArray(tile, 5 * TB + L);
    }

    // tile (RB, 0..8) += xp panel (k0..k1, 8) · wr (6, kc)ᵀ: the last panel when it is 8 wide
    private static void tile8x6(float[] xp, int po, int k0, int k1, float[] wr, int kc, boolean first, float[] tile) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (first) {
            c0 = c1 = c2 = c3 = c4 = c5 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, tile, 0); c1 = FloatVector.fromArray(S, tile, TB);
            c2 = FloatVector.fromArray(S, tile, 2 * TB); c3 = FloatVector.fromArray(S, tile, 3 * TB);
            c4 = FloatVector.fromArray(S, tile, 4 * TB); c5 = FloatVector.fromArray(S, tile, 5 * TB);
        }
        int len = k1 - k0, xo = po + k0 * L;
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(S, xp, xo + k * L);
            c0 = x0.fma(FloatVector.broadcast(S, wr[k]), c0);
            c1 = x0.fma(FloatVector.broadcast(S, wr[kc + k]), c1);
            c2 = x0.fma(FloatVector.broadcast(S, wr[2 * kc + k]), c2);
            c3 = x0.fma(FloatVector.broadcast(S, wr[3 * kc + k]), c3);
            c4 = x0.fma(FloatVector.broadcast(S, wr[4 * kc + k]), c4);
            c5 = x0.fma(FloatVector.broadcast(S, wr[5 * kc + k]), c5);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, TB); c2.intoArray(tile, 2 * TB);
        c3.intoArray(tile, 3 * TB); c4.intoArray(tile, 4 * TB); c5.intoArray(tile, 5 * TB);
    }

    /** Tails: up to 6 rows × a panel of width 8 or 16, one row and one vector of tokens at a time. */
    private static void tileAny(float[] xp, int po, int width, int k0, int k1, float[] wr, int kc, int nr,
                                boolean first, float[] tile) {
        int len = k1 - k0, xo = po + k0 * width;
        for (int j = 0; j < nr; j++) {
            int wo = j * kc;
            for (int v = 0; v < width; v += L) {
                // two accumulators over alternating k hide the FMA latency
                FloatVector c = first ? FloatVector.zero(S) : FloatVector.fromArray(S, tile, j * TB + v);
                FloatVector d = FloatVector.zero(S);
                int k = 0;
                for (; k + 1 < len; k += 2) {
                    c = FloatVector.fromArray(S, xp, xo + k * width + v).fma(FloatVector.broadcast(S, wr[wo + k]), c);
                    d = FloatVector.fromArray(S, xp, xo + (k + 1) * width + v)
                            .fma(FloatVector.broadcast(S, wr[wo + k + 1]), d);
                }
                if (k < len) {
                    c = FloatVector.fromArray(S, xp, xo + k * width + v).fma(FloatVector.broadcast(S, wr[wo + k]), c);
                }
                c.add(d).intoArray(tile, j * TB + v);
            }
        }
    }

    /** acc (rows, np) → tile (RB, TB). */
    private static void loadTile(float[] tile, float[] acc, int np, int r, int nr, int t, int width) {
        for (int j = 0; j < nr; j++) System.arraycopy(acc, (r + j) * np + t, tile, j * TB, width);
    }

    /** tile (RB, TB) → acc (rows, np), padding lanes included. */
    private static void storeTile(float[] tile, float[] acc, int np, int r, int nr, int t, int width) {
        for (int j = 0; j < nr; j++) System.arraycopy(tile, j * TB, acc, (r + j) * np + t, width);
    }

    /** tile (RB, TB) → out (n, rows) from outOff, transposed. */
    private static void writeTile(float[] tile, float[] out, int outOff, int rows, int r, int nr, int t, int nt) {
        for (int l = 0; l < nt; l++) {
            int o = outOff + (t + l) * rows + r;
            for (int j = 0; j < nr; j++) out[o + j] = tile[j * TB + l];
        }
    }
}

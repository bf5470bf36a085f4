package io.ringmem.quant;

import java.lang.foreign.MemorySegment;

/**
 * The few-token (decode) matrix-vector product over block-quantized weight rows: rows go in groups of
 * {@link #ROWS} through a multi-row kernel where the format has one (Q8_0: {@link Q8_0DecodeDot}), and one at a
 * time through the format's fused {@link BlockFormat#dot} otherwise (Q4_0, the K-quants, and the rows left over
 * after the last whole group).
 *
 * <p>Results agree with dequantize-then-fp32-dot within the same tolerances as {@link BlockFormat#dot}; they are
 * not bit-identical to it (summation order differs), and a row's value may differ in the last bits depending on
 * whether it fell in a group or in the remainder. Stateless and thread-safe.
 */
public final class DecodeDots {
    /** Rows per pass of the multi-row kernels; callers splitting rows over threads should cut at multiples of it. */
    public static final int ROWS = 4;

    private DecodeDots() {
    }

    /**
     * out[t·outStride + r] = Σ_i w(r)_i · x[t·in + i] for tokens t &lt; n and rows r in [r0, r1), where row r's
     * blocks start at {@code r · rowBytes} in {@code w} and hold {@code in = blocks · f.blockElements()} values.
     *
     * @param x   (n, in) activations
     * @param out (n, outStride) results; only columns [r0, r1) are written
     */
    public static void rowRange(BlockFormat f, MemorySegment w, long rowBytes, int blocks, float[] x, int n,
                                float[] out, int outStride, int r0, int r1) {
        int in = blocks * f.blockElements();
        int r = r0;
        if (f instanceof Q8_0Format) {
            for (; r + ROWS <= r1; r += ROWS) {
                for (int t = 0; t < n; t++) {
                    Q8_0DecodeDot.rows4(w, r * rowBytes, rowBytes, blocks, x, t * in, out, t * outStride + r, 1);
                }
            }
        }
        for (; r < r1; r++) {
            for (int t = 0; t < n; t++) out[t * outStride + r] = f.dot(w, r * rowBytes, x, t * in, blocks);
        }
    }
}

package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.DecodeDots;
import io.ringmem.tensor.Matrix;

/**
 * The few-token matmul path for block-quantized weights (decode): each weight row's blocks are read in place and
 * dotted with every token by {@link DecodeDots} (multi-row kernels for Q8_0 and Q4_K, the format's fused
 * {@link BlockFormat#dot} otherwise), so the weight stream is the stored bytes (for Q8_0 about 1.06 bytes per
 * weight instead of 4), never an fp32 copy.
 */
final class QuantizedDot {
    private QuantizedDot() {
    }

    /** out[t · rows + r] = x[t] · row r of w, for all n tokens and r in [r0, r1); out (n, w.rows). */
    static void rowRange(float[] x, int n, Matrix w, float[] out, int r0, int r1) {
        BlockFormat f = w.format();
        DecodeDots.rowRange(f, w.data(), w.rowBytes(), w.cols() / f.blockElements(), x, n, out, w.rows(), r0, r1);
    }
}

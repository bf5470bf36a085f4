package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.tensor.Matrix;

import java.lang.foreign.MemorySegment;

/**
 * The few-token matmul path for block-quantized weights (decode): each weight row's blocks are read in place and
 * dotted with every token by the format's fused {@link BlockFormat#dot}, so the weight stream is the stored bytes
 * (for Q8_0 about 1.06 bytes per weight instead of 4), never an fp32 copy.
 */
final class QuantizedDot {
    private QuantizedDot() {
    }

    /** out[t · rows + r] = x[t] · row r of w, for all n tokens and r in [r0, r1); out (n, w.rows). */
    static void rowRange(float[] x, int n, Matrix w, float[] out, int r0, int r1) {
        BlockFormat f = w.format();
        MemorySegment seg = w.data();
        int in = w.cols(), rows = w.rows(), blocks = in / f.blockElements();
        long rowBytes = w.rowBytes();
        for (int r = r0; r < r1; r++) {
            long off = r * rowBytes;
            for (int t = 0; t < n; t++) out[t * rows + r] = f.dot(seg, off, x, t * in, blocks);
        }
    }
}

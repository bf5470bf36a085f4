package io.ringmem.quant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link DecodeDots} (the multi-row Q8_0 kernel, the per-row fallback for the other formats, and the rows left over
 * after whole groups of four) against the oracle: dequantize every row with the format's scalar
 * {@link BlockFormat#dequantize}, then a double-precision dot with each token. Tolerance: 1e-6 · Σ|w_i·x_i|, the
 * bound BlockFormatOracleTest gives the fused {@link BlockFormat#dot} (fp32 summation of up to 2048 products in
 * another order; the worst-case fp32 summation error is about n·2^-24 times that sum, far less in practice).
 */
class DecodeDotsTest {
    private static final double TOLERANCE = 1e-6;

    static List<BlockFormat> formats() {
        return List.of(new Q8_0Format(), new Q4_0Format(), new Q4KFormat(), new Q6KFormat());
    }

    @ParameterizedTest
    @MethodSource("formats")
    void matchesDequantizeThenDotOnSeededBlocks(BlockFormat f) {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int[] shape : new int[][] {{11, 2048}, {8, 512}, {5, 256}}) { // rows (not all multiples of 4), in
            int rows = shape[0], in = shape[1], blocks = in / f.blockElements();
            long rowBytes = (long) blocks * f.blockBytes();
            float[] w = new float[rows * in];
            for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextGaussian() * 0.1 + (i % 7 == 0 ? 0.3 : 0));
            MemorySegment seg = Arena.ofAuto().allocate(rows * rowBytes, 64);
            f.quantize(w, 0, seg, 0, rows * blocks);
            float[] deq = new float[rows * in];
            f.dequantize(seg, 0, deq, 0, rows * blocks);
            for (int n = 1; n <= 3; n++) {
                float[] x = new float[n * in];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                for (int[] range : new int[][] {{0, rows}, {1, rows - 1}}) {
                    float[] out = new float[n * (rows + 1)];
                    Arrays.fill(out, Float.NaN);
                    DecodeDots.rowRange(f, seg, rowBytes, blocks, x, n, out, rows + 1, range[0], range[1]);
                    for (int t = 0; t < n; t++) {
                        for (int r = 0; r <= rows; r++) {
                            float got = out[t * (rows + 1) + r];
                            String what = f + " (" + rows + ", " + in + ") token " + t + " row " + r + " of [" + range[0]
                                    + ", " + range[1] + ")";
                            if (r < range[0] || r >= range[1]) {
                                assertEquals(Float.NaN, got, what + " must stay unwritten");
                                continue;
                            }
                            double exact = 0, abs = 0;
                            for (int i = 0; i < in; i++) {
                                double p = (double) deq[r * in + i] * x[t * in + i];
                                exact += p;
                                abs += Math.abs(p);
                            }
                            assertEquals(exact, got, TOLERANCE * abs + Double.MIN_NORMAL, what);
                        }
                    }
                }
            }
        }
    }
}

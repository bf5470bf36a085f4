package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.BlockFormats;
import io.ringmem.tensor.Matrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** bf16 packing of the weights: round to nearest even against an exact oracle, special values, whole matrices. */
class Bf16Test {

    /**
     * The oracle: of the two bf16 neighbours of x (truncation toward zero and the next one away from zero), the
     * nearer in exact (double) arithmetic, ties to the even pattern; beyond the largest bf16 the upper neighbour
     * counts as 2^128, as IEEE rounding does.
     */
    private static short nearestEven(float x) {
        int b = Float.floatToRawIntBits(x);
        short down = (short) (b >>> 16), up = (short) ((b >>> 16) + 1);
        double upValue = Float.isInfinite(Bf16.toFloat(up)) ? Math.copySign(Math.scalb(1.0, 128), x) : Bf16.toFloat(up);
        double dDown = Math.abs((double) x - Bf16.toFloat(down)), dUp = Math.abs(upValue - x);
        if (dDown < dUp) return down;
        if (dDown > dUp) return up;
        return (down & 1) == 0 ? down : up;
    }

    @Test
    void roundsToNearestEvenLikeTheDevice() {
        SplittableRandom r = new SplittableRandom(13);
        for (int i = 0; i < 200_000; i++) {
            float x = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(x) || Float.isInfinite(x)) continue;
            assertEquals(nearestEven(x), Bf16.bits(x), "bf16 of " + x + " (0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
        }
    }

    @Test
    void tiesGoToEven() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the even one (1) wins; 1 + 3·2^-8 rounds up to 1 + 2^-6
        assertEquals(1f, Bf16.round(1f + 0x1p-8f));
        assertEquals(1f + 0x1p-6f, Bf16.round(1f + 3 * 0x1p-8f));
        assertEquals(-1f, Bf16.round(-1f - 0x1p-8f));
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.bits(Float.intBitsToFloat(0x7f800001))))); // a NaN that truncates to ∞
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
        assertEquals(Float.NEGATIVE_INFINITY, Bf16.round(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE));
        assertEquals(0x8000, Bf16.bits(-0f) & 0xffff);
        assertEquals(Float.MIN_VALUE * 0, Bf16.round(Float.MIN_VALUE)); // the smallest subnormal rounds to +0
    }

    @Test
    void errorBoundHolds() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-20, 20)));
            assertTrue(Math.abs(Bf16.round(x) - x) <= Math.abs(x) * 0x1p-8f, "bound for " + x);
        }
    }

    @Test
    void packsMatricesRowMajor() {
        float[] v = new float[3 * 5];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        short[] p = Bf16.pack(Matrix.of(v, 3, 5));
        assertEquals(15, p.length);
        for (int i = 0; i < v.length; i++) assertEquals(Bf16.bits(v[i]), p[i]);
    }

    @Test
    void packsBlockQuantizedMatricesFromTheirDecodedValues() {
        // the GPU path dequantizes at upload: a Q8_0/Q4_0 matrix packs exactly like its decoded fp32 values
        for (BlockFormat f : BlockFormats.all()) {
            int rows = 3, cols = 2 * f.blockElements();
            float[] v = new float[rows * cols];
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            MemorySegment seg = Arena.ofAuto().allocate((long) rows * 2 * f.blockBytes());
            f.quantize(v, 0, seg, 0, rows * 2);
            Matrix q = new Matrix(seg, rows, cols, f);
            float[] decoded = q.toArray();
            assertArrayEquals(Bf16.pack(Matrix.of(decoded, rows, cols)), Bf16.pack(q), f.name());
        }
    }
}

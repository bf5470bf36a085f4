package io.ringmem.cuda;

import io.ringmem.tensor.Matrix;

/**
 * bfloat16 bit patterns on the host: what the weights become when uploaded for the tensor-core GEMM. Rounding is
 * round-to-nearest-even, the same as the device's {@code __float2bfloat16_rn}; NaN stays a (quiet) NaN of the same
 * sign, ±∞ stays ±∞, and finite values whose rounding overflows become ±∞ as on the device.
 *
 * <p>Error bound: a finite value x within range rounds to a bf16 within {@code |x|·2^-8} (half an ulp of an
 * 8-bit significand).
 */
public final class Bf16 {
    private Bf16() {
    }

    /** The bf16 bits of x, round to nearest even. */
    public static short bits(float x) {
        int b = Float.floatToRawIntBits(x);
        if ((b & 0x7fffffff) > 0x7f800000) return (short) ((b >>> 16) | 0x0040); // NaN: keep sign, force quiet
        int lsb = (b >>> 16) & 1;
        return (short) ((b + 0x7fff + lsb) >>> 16);
    }

    /** The float a bf16 bit pattern stands for (exact). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** x rounded through bf16 (what the device computes with). */
    public static float round(float x) {
        return toFloat(bits(x));
    }

    /** (rows, cols) of m as bf16 bit patterns, row-major. */
    public static short[] pack(Matrix m) {
        long count = (long) m.rows() * m.cols();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("matrix (" + m.rows() + ", " + m.cols() + ") is too large for one upload");
        }
        short[] out = new short[(int) count];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.copyRow(r, row, 0);
            int o = r * m.cols();
            for (int c = 0; c < row.length; c++) out[o + c] = bits(row[c]);
        }
        return out;
    }
}

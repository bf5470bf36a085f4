package io.ringmem.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A second, independent decoder of the K-quant blocks, written value by value from the layout description in
 * ggml-common.h (where does value {@code i}'s level, scale and min live?) rather than loop by loop as
 * {@code dequantize_row_*} and the formats do. Same float expression per value as ggml, so results are exact.
 */
public final class KQuantOracle {
    private KQuantOracle() {
    }

    /** Values of {@code n} (a multiple of 256) elements stored as {@code format} ("Q4_K", "Q5_K", "Q6_K", "Q8_K"). */
    public static float[] decode(String format, byte[] bytes, int n) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        int size = switch (format) {
            case "Q4_K" -> 144;
            case "Q5_K" -> 176;
            case "Q6_K" -> 210;
            case "Q8_K" -> 292;
            default -> throw new IllegalArgumentException(format);
        };
        for (int i = 0; i < n; i++) {
            int base = i / 256 * size, e = i % 256;
            out[i] = switch (format) {
                case "Q4_K" -> q45(b, base, e, false);
                case "Q5_K" -> q45(b, base, e, true);
                case "Q6_K" -> q6(b, base, e);
                default -> b.getFloat(base) * b.get(base + 4 + e);
            };
        }
        return out;
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xFF;
    }

    /** Six-bit field {@code k} (0..15: scales 0..7, then mins 0..7) of the 12 scale bytes at {@code at}. */
    static int sixBit(ByteBuffer b, int at, int k) {
        boolean isMin = k >= 8;
        int j = k % 8;
        if (j < 4) return u8(b, at + j + (isMin ? 4 : 0)) & 0x3F;
        int low4 = isMin ? u8(b, at + 4 + j) >>> 4 : u8(b, at + 4 + j) & 0x0F;
        int top2 = u8(b, at + j - (isMin ? 0 : 4)) >>> 6;
        return top2 * 16 + low4;
    }

    private static float q45(ByteBuffer b, int base, int e, boolean fiveBit) {
        int sub = e / 32, pair = e / 64, l = e % 32;
        boolean highNibble = sub % 2 == 1;
        int qsAt = base + (fiveBit ? 48 : 16) + 32 * pair + l;
        int q = highNibble ? u8(b, qsAt) >>> 4 : u8(b, qsAt) & 0x0F;
        if (fiveBit && (u8(b, base + 16 + l) & (1 << sub)) != 0) q += 16;
        float d = Float.float16ToFloat(b.getShort(base)), dmin = Float.float16ToFloat(b.getShort(base + 2));
        return d * sixBit(b, base + 4, sub) * q - dmin * sixBit(b, base + 4, 8 + sub);
    }

    private static float q6(ByteBuffer b, int base, int e) {
        int half = e / 128, quarter = e % 128 / 32, l = e % 32;
        int lowByte = u8(b, base + 64 * half + 32 * (quarter % 2) + l);
        int low = quarter < 2 ? lowByte & 0x0F : lowByte >>> 4;
        int high = u8(b, base + 128 + 32 * half + l) >>> (2 * quarter) & 3;
        float d = Float.float16ToFloat(b.getShort(base + 208));
        return d * b.get(base + 192 + e / 16) * ((low | high << 4) - 32);
    }
}

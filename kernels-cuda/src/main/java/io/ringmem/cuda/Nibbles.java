package io.ringmem.cuda;

/**
 * Two 4-bit codes per byte in the order of the host KV codecs ({@code io.ringmem.kv.BitPacking} with 4 bits) and of
 * {@code kvquant.cu}: code i sits in byte i / 2, the even code in the low nibble. An odd count leaves the high
 * nibble of the last byte 0.
 */
public final class Nibbles {
    private Nibbles() {
    }

    /** Bytes that hold {@code count} codes. */
    public static int packedBytes(int count) {
        if (count < 0) throw new IllegalArgumentException("negative code count " + count);
        return (count + 1) / 2;
    }

    /** Packs codes (each in [0, 15]) two per byte. */
    public static byte[] pack(byte[] codes) {
        byte[] out = new byte[packedBytes(codes.length)];
        for (int i = 0; i < codes.length; i++) {
            int c = codes[i];
            if (c < 0 || c > 15) throw new IllegalArgumentException("code " + c + " at " + i + " is not in [0, 15]");
            out[i >> 1] |= (byte) ((i & 1) == 0 ? c : c << 4);
        }
        return out;
    }

    /** The {@code count} codes of {@code packed}. */
    public static byte[] unpack(byte[] packed, int count) {
        if (packedBytes(count) > packed.length) {
            throw new IllegalArgumentException(count + " codes need " + packedBytes(count) + " bytes, got " + packed.length);
        }
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) out[i] = (byte) ((packed[i >> 1] >> ((i & 1) * 4)) & 15);
        return out;
    }
}

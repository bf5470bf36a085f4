package io.ringmem.kv;

/**
 * Packs small unsigned codes (one per {@code byte}, values in {@code [0, 2^bits)}) densely into bytes and back.
 * {@code bits} must be 1, 2, 4 or 8 so no code straddles a byte. Code i of a run sits in byte {@code i / (8/bits)}
 * at bit offset {@code (i % (8/bits))·bits}, least significant bits first. A run of {@code count} codes takes
 * {@link #packedBytes} bytes; unused high bits of the last byte are 0.
 */
final class BitPacking {
    private BitPacking() {
    }

    static long packedBytes(long count, int bits) {
        checkBits(bits);
        return (count * bits + 7) / 8;
    }

    static void checkBits(int bits) {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("bits must be 1, 2, 4 or 8, got " + bits);
        }
    }

    /** Packs {@code codes[from .. from+count)} into {@code dst} at {@code dstOff}; returns the bytes written. */
    static int pack(byte[] codes, int from, int count, int bits, byte[] dst, int dstOff) {
        checkBits(bits);
        int per = 8 / bits, mask = (1 << bits) - 1;
        if (bits == 8) {
            System.arraycopy(codes, from, dst, dstOff, count);
            return count;
        }
        int full = count / per, o = dstOff, i = from;
        if (bits == 4) {
            for (int j = 0; j < full; j++, i += 2) dst[o++] = (byte) ((codes[i] & 15) | (codes[i + 1] & 15) << 4);
        } else if (bits == 2) {
            for (int j = 0; j < full; j++, i += 4) {
                dst[o++] = (byte) ((codes[i] & 3) | (codes[i + 1] & 3) << 2 | (codes[i + 2] & 3) << 4 | (codes[i + 3] & 3) << 6);
            }
        } else {
            for (int j = 0; j < full; j++, i += per) {
                int acc = 0;
                for (int s = 0; s < per; s++) acc |= (codes[i + s] & mask) << (s * bits);
                dst[o++] = (byte) acc;
            }
        }
        int rest = count - full * per;
        if (rest > 0) {
            int acc = 0;
            for (int s = 0; s < rest; s++) acc |= (codes[i + s] & mask) << (s * bits);
            dst[o++] = (byte) acc;
        }
        return o - dstOff;
    }

    /** Unpacks {@code count} codes from {@code src} at {@code srcOff} into {@code codes[from ..)}; returns bytes read. */
    static int unpack(byte[] src, int srcOff, int count, int bits, byte[] codes, int from) {
        checkBits(bits);
        int per = 8 / bits, mask = (1 << bits) - 1;
        if (bits == 8) {
            System.arraycopy(src, srcOff, codes, from, count);
            return count;
        }
        int full = count / per, o = srcOff, i = from;
        if (bits == 4) {
            for (int j = 0; j < full; j++, i += 2) {
                int b = src[o++];
                codes[i] = (byte) (b & 15);
                codes[i + 1] = (byte) ((b >> 4) & 15);
            }
        } else if (bits == 2) {
            for (int j = 0; j < full; j++, i += 4) {
                int b = src[o++];
                codes[i] = (byte) (b & 3);
                codes[i + 1] = (byte) ((b >> 2) & 3);
                codes[i + 2] = (byte) ((b >> 4) & 3);
                codes[i + 3] = (byte) ((b >> 6) & 3);
            }
        } else {
            for (int j = 0; j < full; j++, i += per) {
                int b = src[o++];
                for (int s = 0; s < per; s++) codes[i + s] = (byte) ((b >> (s * bits)) & mask);
            }
        }
        int rest = count - full * per;
        if (rest > 0) {
            int b = src[o++];
            for (int s = 0; s < rest; s++) codes[i + s] = (byte) ((b >> (s * bits)) & mask);
        }
        return o - srcOff;
    }
}

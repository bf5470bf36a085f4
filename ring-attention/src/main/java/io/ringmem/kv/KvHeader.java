package io.ringmem.kv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The 32-byte header that starts every encoded block, little-endian:
 *
 * <pre>
 * offset size field
 *  0     4    magic "RMKV" (bytes 'R','M','K','V')
 *  4     1    version (1)
 *  5     1    codec id: 0 none, 1 int8, 2 int4, 3 int2
 *  6     1    bits per quantized element (32 for none, 8, 4, 2)
 *  7     1    reserved, 0
 *  8     4    n (tokens, ≥ 0)
 * 12     4    kvHeads (> 0)
 * 16     4    headDim (> 0)
 * 20     2    key group, tokens per key quantization group (32 for int4/int2, else 0)
 * 22     2    value group, channels per value quantization group (min(32, headDim) for int4/int2, else 0)
 * 24     4    residual window R in tokens (int4/int2, ≥ 0; else 0)
 * 28     4    CRC32C of bytes [0, 28) followed by bytes [32, end)
 * </pre>
 *
 * The payload follows at offset 32; its layout is given by each codec. Package-private: only the codecs use it.
 */
record KvHeader(int codecId, int bits, int n, int kvHeads, int headDim, int keyGroup, int valueGroup, int residual) {
    static final int SIZE = 32;
    static final int VERSION = 1;
    static final int CODEC_NONE = 0, CODEC_INT8 = 1, CODEC_INT4 = 2, CODEC_INT2 = 3;
    private static final byte[] MAGIC = {'R', 'M', 'K', 'V'};
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** n·kvHeads·headDim, checked to fit a Java array. */
    int elements() {
        return elements(n, kvHeads, headDim);
    }

    static int elements(int n, int kvHeads, int headDim) {
        if (n < 0 || kvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("bad KV shape: n=" + n + " kvHeads=" + kvHeads + " headDim=" + headDim
                    + " (need n >= 0, kvHeads > 0, headDim > 0)");
        }
        long e = (long) n * kvHeads * headDim;
        if (e > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("KV block too large: " + e + " elements");
        return (int) e;
    }

    /** Checks that k and v hold at least n·kvHeads·headDim floats; returns that count. */
    static int checkInputs(float[] k, float[] v, int n, int kvHeads, int headDim) {
        int e = elements(n, kvHeads, headDim);
        if (k == null || v == null) throw new IllegalArgumentException("k and v must not be null");
        if (k.length < e || v.length < e) {
            throw new IllegalArgumentException("k (" + k.length + ") and v (" + v.length + ") must hold n*kvHeads*headDim = "
                    + e + " floats");
        }
        return e;
    }

    /** Allocates {@code total} bytes and writes this header (CRC left 0; see {@link #seal}). */
    byte[] allocate(long total) {
        if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("encoded block too large: " + total + " bytes");
        byte[] out = new byte[(int) total];
        MemorySegment s = MemorySegment.ofArray(out);
        System.arraycopy(MAGIC, 0, out, 0, 4);
        out[4] = VERSION;
        out[5] = (byte) codecId;
        out[6] = (byte) bits;
        s.set(I32, 8, n);
        s.set(I32, 12, kvHeads);
        s.set(I32, 16, headDim);
        s.set(I16, 20, (short) keyGroup);
        s.set(I16, 22, (short) valueGroup);
        s.set(I32, 24, residual);
        return out;
    }

    /** Writes the CRC of a fully written block; returns it. */
    static byte[] seal(byte[] out) {
        MemorySegment.ofArray(out).set(I32, 28, crc(out));
        return out;
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, 28);
        c.update(b, SIZE, b.length - SIZE);
        return (int) c.getValue();
    }

    /**
     * Parses and checks the fixed fields (magic, version, codec id, shape). Size and CRC are checked by
     * {@link #verify} once the codec knows the expected length.
     */
    static KvHeader read(byte[] b) {
        if (b == null) throw new IllegalArgumentException("encoded KV block is null");
        if (b.length < SIZE) {
            throw new IllegalArgumentException("encoded KV block truncated: " + b.length + " bytes, the header alone needs " + SIZE);
        }
        for (int i = 0; i < 4; i++) {
            if (b[i] != MAGIC[i]) throw new IllegalArgumentException("not an encoded KV block: bad magic (expected 'RMKV')");
        }
        if (b[4] != VERSION) {
            throw new IllegalArgumentException("unsupported KV block version " + b[4] + " (this build reads " + VERSION + ")");
        }
        MemorySegment s = MemorySegment.ofArray(b);
        KvHeader h = new KvHeader(b[5], b[6], s.get(I32, 8), s.get(I32, 12), s.get(I32, 16),
                s.get(I16, 20), s.get(I16, 22), s.get(I32, 24));
        if (b[7] != 0) throw new IllegalArgumentException("corrupt KV block header: reserved byte is " + b[7]);
        try {
            h.elements();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt KV block header: " + e.getMessage(), e);
        }
        return h;
    }

    /** Checks the total length against what the codec expects and the CRC. */
    void verify(byte[] b, long expected) {
        if (b.length < expected) {
            throw new IllegalArgumentException("encoded KV block truncated: " + b.length + " bytes, header says " + expected);
        }
        if (b.length > expected) {
            throw new IllegalArgumentException("corrupt KV block: " + b.length + " bytes, header says " + expected);
        }
        int stored = MemorySegment.ofArray(b).get(I32, 28);
        if (stored != crc(b)) throw new IllegalArgumentException("corrupt KV block: CRC32C mismatch");
    }

    static void writeFloats(byte[] dst, long offset, float[] src, int from, int count) {
        MemorySegment.copy(src, from, MemorySegment.ofArray(dst), F32, offset, count);
    }

    static void readFloats(byte[] src, long offset, float[] dst, int from, int count) {
        MemorySegment.copy(MemorySegment.ofArray(src), F32, offset, dst, from, count);
    }
}

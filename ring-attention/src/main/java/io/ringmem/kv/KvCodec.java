package io.ringmem.kv;

/**
 * Encodes the keys and values of one block of tokens of one layer into a self-describing {@code byte[]} and back.
 *
 * <p>Shapes: {@code k, v (n, kvHeads, headDim)} row-major fp32, keys already rotated (RoPE), exactly as in
 * {@link io.ringmem.ring.KvBlock}. Token positions are not part of the encoding: the caller keeps them beside the
 * bytes (a block's metadata in the memory store).
 *
 * <p>Every encoding starts with the 32-byte header described in {@link KvHeader} (magic, version, codec id, bit
 * width, n, kvHeads, headDim, codec parameters, CRC32C of the rest), so {@link KvCodecs#decode(byte[])} needs no
 * other input. Corrupt or truncated bytes are rejected with an {@link IllegalArgumentException}.
 *
 * <p>Not guaranteed: lossy codecs round-trip only within their documented error bound; non-finite inputs
 * (NaN, ±∞) are rejected by the quantizing codecs and passed through only by {@code none}; the byte layout may
 * change with the header version (decoders reject versions they do not know). Implementations are immutable and
 * thread-safe.
 */
public interface KvCodec {

    /** The name accepted by {@link KvCodecs#byName(String)}: "none", "int8", "int4" or "int2". */
    String name();

    /**
     * @param k (n, kvHeads, headDim) keys; at least {@code n·kvHeads·headDim} floats are read
     * @param v (n, kvHeads, headDim) values
     * @return a new array of exactly {@link #encodedSize} bytes
     * @throws IllegalArgumentException for bad shapes, short arrays, or non-finite values in a quantizing codec
     */
    byte[] encode(float[] k, float[] v, int n, int kvHeads, int headDim);

    /**
     * Decodes bytes written by this codec (any parameters; they are read from the header).
     *
     * @throws IllegalArgumentException if the bytes are corrupt, truncated, or written by another codec
     */
    default DecodedKv decode(byte[] data) {
        DecodedKv d = KvCodecs.decode(data);
        if (!d.codec().equals(name())) {
            throw new IllegalArgumentException("bytes were written by codec '" + d.codec() + "', not '" + name() + "'");
        }
        return d;
    }

    /** Exact length in bytes of {@link #encode}'s result for this shape, header included. */
    long encodedSize(int n, int kvHeads, int headDim);

    /** fp32 bytes of k and v ({@code 8·n·kvHeads·headDim}) divided by {@link #encodedSize}, header included. */
    default double compressionRatio(int n, int kvHeads, int headDim) {
        return 8.0 * n * kvHeads * headDim / encodedSize(n, kvHeads, headDim);
    }
}

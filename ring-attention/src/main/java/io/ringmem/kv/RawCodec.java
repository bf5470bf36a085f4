package io.ringmem.kv;

/**
 * {@code none}: raw little-endian fp32, lossless (bit-exact, NaN payloads included).
 *
 * <p>Layout after the header: k (n, kvHeads, headDim) fp32, then v (n, kvHeads, headDim) fp32.
 * Size: {@code 32 + 8·n·kvHeads·headDim} bytes.
 */
final class RawCodec implements KvCodec {
    static final RawCodec INSTANCE = new RawCodec();

    private RawCodec() {
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public long encodedSize(int n, int kvHeads, int headDim) {
        return KvHeader.SIZE + 8L * KvHeader.elements(n, kvHeads, headDim);
    }

    private static KvHeader header(int n, int kvHeads, int headDim) {
        return new KvHeader(KvHeader.CODEC_NONE, 32, n, kvHeads, headDim, 0, 0, 0);
    }

    @Override
    public byte[] encode(float[] k, float[] v, int n, int kvHeads, int headDim) {
        int e = KvHeader.checkInputs(k, v, n, kvHeads, headDim);
        byte[] out = header(n, kvHeads, headDim).allocate(encodedSize(n, kvHeads, headDim));
        KvHeader.writeFloats(out, KvHeader.SIZE, k, 0, e);
        KvHeader.writeFloats(out, KvHeader.SIZE + 4L * e, v, 0, e);
        return KvHeader.seal(out);
    }

    static DecodedKv decode(KvHeader h, byte[] b) {
        if (h.bits() != 32 || h.keyGroup() != 0 || h.valueGroup() != 0 || h.residual() != 0) {
            throw KvCodecs.badParams(h, "parameters do not match codec none");
        }
        h.verify(b, INSTANCE.encodedSize(h.n(), h.kvHeads(), h.headDim()));
        int e = h.elements();
        float[] k = new float[e], v = new float[e];
        KvHeader.readFloats(b, KvHeader.SIZE, k, 0, e);
        KvHeader.readFloats(b, KvHeader.SIZE + 4L * e, v, 0, e);
        return new DecodedKv("none", h.n(), h.kvHeads(), h.headDim(), k, v);
    }
}

package io.ringmem.kv;

/**
 * {@code int8}: asymmetric 8-bit quantization per row, a row being the headDim values of one (token, KV head), for
 * keys and values alike. Each row stores fp32 scale and min (see {@link AsymQuant}, 255 levels), so the error per
 * element is at most that row's {@code scale/2 = (max - min)/510} plus fp32 rounding.
 *
 * <p>Layout after the header, with {@code rows = n·kvHeads}: for k then v: scales (rows) fp32, mins (rows) fp32,
 * codes (rows, headDim) unsigned bytes. Size: {@code 32 + 2·(8·rows + rows·headDim)} bytes, so the ratio tends
 * to {@code 4·headDim / (headDim + 8)} (3.56 at headDim 64, 3.76 at 128).
 */
final class Int8Codec implements KvCodec {
    static final Int8Codec INSTANCE = new Int8Codec();
    private static final int LEVELS = 255;

    private Int8Codec() {
    }

    @Override
    public String name() {
        return "int8";
    }

    @Override
    public long encodedSize(int n, int kvHeads, int headDim) {
        KvHeader.elements(n, kvHeads, headDim);
        long rows = (long) n * kvHeads;
        return KvHeader.SIZE + 2 * (8 * rows + rows * headDim);
    }

    @Override
    public byte[] encode(float[] k, float[] v, int n, int kvHeads, int headDim) {
        KvHeader.checkInputs(k, v, n, kvHeads, headDim);
        KvHeader h = new KvHeader(KvHeader.CODEC_INT8, 8, n, kvHeads, headDim, 0, 0, 0);
        byte[] out = h.allocate(encodedSize(n, kvHeads, headDim));
        int rows = n * kvHeads;
        long section = 8L * rows + (long) rows * headDim;
        encodeSection(k, rows, headDim, out, KvHeader.SIZE);
        encodeSection(v, rows, headDim, out, KvHeader.SIZE + section);
        return KvHeader.seal(out);
    }

    private static void encodeSection(float[] x, int rows, int d, byte[] out, long off) {
        float[] scales = new float[rows], mins = new float[rows];
        int codes = (int) (off + 8L * rows);
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            float min = x[o], max = x[o];
            for (int c = 1; c < d; c++) {
                float e = x[o + c];
                min = Math.min(min, e);
                max = Math.max(max, e);
            }
            float scale = AsymQuant.scale(min, max, LEVELS), inv = AsymQuant.inverse(scale);
            scales[r] = scale;
            mins[r] = min;
            int p = codes + o;
            for (int c = 0; c < d; c++) out[p + c] = (byte) AsymQuant.code(x[o + c], min, inv, LEVELS);
        }
        KvHeader.writeFloats(out, off, scales, 0, rows);
        KvHeader.writeFloats(out, off + 4L * rows, mins, 0, rows);
    }

    static DecodedKv decode(KvHeader h, byte[] b) {
        if (h.bits() != 8 || h.keyGroup() != 0 || h.valueGroup() != 0 || h.residual() != 0) {
            throw KvCodecs.badParams(h, "parameters do not match codec int8");
        }
        h.verify(b, INSTANCE.encodedSize(h.n(), h.kvHeads(), h.headDim()));
        int e = h.elements(), rows = h.n() * h.kvHeads(), d = h.headDim();
        long section = 8L * rows + (long) rows * d;
        float[] k = new float[e], v = new float[e];
        decodeSection(b, KvHeader.SIZE, rows, d, k);
        decodeSection(b, KvHeader.SIZE + section, rows, d, v);
        return new DecodedKv("int8", h.n(), h.kvHeads(), d, k, v);
    }

    private static void decodeSection(byte[] b, long off, int rows, int d, float[] x) {
        float[] scales = new float[rows], mins = new float[rows];
        KvHeader.readFloats(b, off, scales, 0, rows);
        KvHeader.readFloats(b, off + 4L * rows, mins, 0, rows);
        int codes = (int) (off + 8L * rows);
        for (int r = 0; r < rows; r++) {
            float scale = scales[r], min = mins[r];
            int o = r * d, p = codes + o;
            for (int c = 0; c < d; c++) x[o + c] = min + (b[p + c] & 0xFF) * scale;
        }
    }
}

package io.ringmem.kv;

/**
 * {@code int4} / {@code int2}: KIVI-style asymmetric quantization (Liu et al. 2024, "KIVI: a tuning-free asymmetric
 * 2bit quantization for KV cache").
 *
 * <ul>
 *   <li>Keys per channel: for each group of {@code G = 32} consecutive tokens and each channel (KV head, dim),
 *       one fp32 (scale, min) over the group's 32 values.</li>
 *   <li>Values per token: for each (token, KV head), channels in groups of {@code VG = min(32, headDim)} along
 *       headDim, one fp32 (scale, min) per group; if headDim is not a multiple of VG the last group is
 *       smaller.</li>
 *   <li>Residual: the quantized prefix is {@code m = G·floor(max(0, n - R) / G)} tokens; the last
 *       {@code r = n - m} tokens (so {@code R ≤ r < R + G} when n ≥ R, else all n) are kept in fp32, bit-exact.
 *       The tail of fewer than G tokens beyond the last full group thus goes to the residual, as in KIVI, rather
 *       than into a smaller group. With {@code R = 0} only that tail is residual.</li>
 * </ul>
 *
 * Scales and mins are fp32 (not fp16 as in the paper: simpler and exact bounds, at the cost of some ratio). The
 * error of a quantized element is at most its group's {@code scale/2} plus fp32 rounding (see {@link AsymQuant}).
 *
 * <p>Layout after the header ({@code W = kvHeads·headDim}, {@code nvg = ceil(headDim / VG)}, {@code b} bits):
 * key scales (m/G, W) fp32, key mins (m/G, W) fp32, key codes (m, W) packed by {@link BitPacking} in row-major
 * order, value scales (m, kvHeads, nvg) fp32, value mins (same), value codes (m, W) packed, residual keys (r, W)
 * fp32, residual values (r, W) fp32. Size:
 * {@code 32 + 8·(m/G)·W + 2·ceil(m·W·b/8) + 8·m·kvHeads·nvg + 8·r·W} bytes.
 */
final class KiviCodec implements KvCodec {
    static final int KEY_GROUP = 32;
    static final int VALUE_GROUP = 32;
    private final int bits;
    private final int residual;

    KiviCodec(int bits, int residual) {
        if (bits != 4 && bits != 2) throw new IllegalArgumentException("KIVI codec bits must be 4 or 2, got " + bits);
        if (residual < 0) throw new IllegalArgumentException("residual window must be >= 0 tokens, got " + residual);
        this.bits = bits;
        this.residual = residual;
    }

    @Override
    public String name() {
        return "int" + bits;
    }

    /** The recent window R this codec keeps at fp32 (at least; see the class comment). */
    public int residual() {
        return residual;
    }

    @Override
    public long encodedSize(int n, int kvHeads, int headDim) {
        return Layout.of(header(n, kvHeads, headDim)).end;
    }

    private KvHeader header(int n, int kvHeads, int headDim) {
        KvHeader.elements(n, kvHeads, headDim);
        return new KvHeader(bits == 4 ? KvHeader.CODEC_INT4 : KvHeader.CODEC_INT2, bits, n, kvHeads, headDim,
                KEY_GROUP, Math.min(VALUE_GROUP, headDim), residual);
    }

    /** Sizes derived from a header; all offsets are bytes from the start of the block. */
    private record Layout(int m, int r, int w, int nvg, long kScale, long kMin, long kCodes, long vScale, long vMin,
                          long vCodes, long kRes, long vRes, long end) {
        static Layout of(KvHeader h) {
            int n = h.n(), g = h.keyGroup(), w = h.kvHeads() * h.headDim();
            int m = n > h.residual() ? (int) ((long) (n - h.residual()) / g * g) : 0;
            int r = n - m, nvg = (h.headDim() + h.valueGroup() - 1) / h.valueGroup();
            long kScale = KvHeader.SIZE, meta = 4L * (m / g) * w;
            long kMin = kScale + meta, kCodes = kMin + meta;
            long codeBytes = BitPacking.packedBytes((long) m * w, h.bits());
            long vScale = kCodes + codeBytes, vMeta = 4L * m * h.kvHeads() * nvg;
            long vMin = vScale + vMeta, vCodes = vMin + vMeta, kRes = vCodes + codeBytes;
            long vRes = kRes + 4L * r * w;
            return new Layout(m, r, w, nvg, kScale, kMin, kCodes, vScale, vMin, vCodes, kRes, vRes, vRes + 4L * r * w);
        }
    }

    @Override
    public byte[] encode(float[] k, float[] v, int n, int kvHeads, int headDim) {
        KvHeader.checkInputs(k, v, n, kvHeads, headDim);
        KvHeader h = header(n, kvHeads, headDim);
        Layout l = Layout.of(h);
        byte[] out = h.allocate(l.end);
        int levels = (1 << bits) - 1, w = l.w, m = l.m, groups = m / KEY_GROUP;
        byte[] codes = new byte[m * w];

        // keys: per channel over each group of KEY_GROUP tokens
        float[] kScale = new float[groups * w], kMin = new float[groups * w], max = new float[w], inv = new float[w];
        for (int g = 0; g < groups; g++) {
            int t0 = g * KEY_GROUP, mo = g * w;
            System.arraycopy(k, t0 * w, kMin, mo, w);
            System.arraycopy(k, t0 * w, max, 0, w);
            for (int t = t0 + 1; t < t0 + KEY_GROUP; t++) {
                int o = t * w;
                for (int c = 0; c < w; c++) {
                    float e = k[o + c];
                    kMin[mo + c] = Math.min(kMin[mo + c], e);
                    max[c] = Math.max(max[c], e);
                }
            }
            for (int c = 0; c < w; c++) {
                kScale[mo + c] = AsymQuant.scale(kMin[mo + c], max[c], levels);
                inv[c] = AsymQuant.inverse(kScale[mo + c]);
            }
            for (int t = t0; t < t0 + KEY_GROUP; t++) {
                int o = t * w;
                for (int c = 0; c < w; c++) codes[o + c] = (byte) AsymQuant.code(k[o + c], kMin[mo + c], inv[c], levels);
            }
        }
        KvHeader.writeFloats(out, l.kScale, kScale, 0, kScale.length);
        KvHeader.writeFloats(out, l.kMin, kMin, 0, kMin.length);
        BitPacking.pack(codes, 0, m * w, bits, out, (int) l.kCodes);

        // values: per token, in groups of vg channels along headDim
        int vg = h.valueGroup(), nvg = l.nvg, metas = m * kvHeads * nvg;
        float[] vScale = new float[metas], vMin = new float[metas];
        for (int row = 0; row < m * kvHeads; row++) {
            int o = row * headDim;
            for (int j = 0; j < nvg; j++) {
                int c0 = o + j * vg, c1 = Math.min(o + headDim, c0 + vg);
                float mn = v[c0], mx = v[c0];
                for (int c = c0 + 1; c < c1; c++) {
                    mn = Math.min(mn, v[c]);
                    mx = Math.max(mx, v[c]);
                }
                float s = AsymQuant.scale(mn, mx, levels), is = AsymQuant.inverse(s);
                vScale[row * nvg + j] = s;
                vMin[row * nvg + j] = mn;
                for (int c = c0; c < c1; c++) codes[c] = (byte) AsymQuant.code(v[c], mn, is, levels);
            }
        }
        KvHeader.writeFloats(out, l.vScale, vScale, 0, metas);
        KvHeader.writeFloats(out, l.vMin, vMin, 0, metas);
        BitPacking.pack(codes, 0, m * w, bits, out, (int) l.vCodes);

        KvHeader.writeFloats(out, l.kRes, k, m * w, l.r * w);
        KvHeader.writeFloats(out, l.vRes, v, m * w, l.r * w);
        return KvHeader.seal(out);
    }

    static DecodedKv decode(KvHeader h, byte[] b) {
        int expectBits = h.codecId() == KvHeader.CODEC_INT4 ? 4 : 2;
        if (h.bits() != expectBits) throw KvCodecs.badParams(h, "bit width does not match the codec");
        if (h.keyGroup() < 1) throw KvCodecs.badParams(h, "key group must be >= 1");
        if (h.valueGroup() < 1 || h.valueGroup() > h.headDim()) throw KvCodecs.badParams(h, "value group must be in [1, headDim]");
        if (h.residual() < 0) throw KvCodecs.badParams(h, "negative residual window");
        Layout l = Layout.of(h);
        h.verify(b, l.end);
        int levels = (1 << h.bits()) - 1;
        int e = h.elements(), w = l.w, m = l.m, g = h.keyGroup(), groups = m / g, d = h.headDim();
        float[] k = new float[e], v = new float[e];
        byte[] codes = new byte[m * w];

        float[] kScale = new float[groups * w], kMin = new float[groups * w];
        KvHeader.readFloats(b, l.kScale, kScale, 0, kScale.length);
        KvHeader.readFloats(b, l.kMin, kMin, 0, kMin.length);
        BitPacking.unpack(b, (int) l.kCodes, m * w, h.bits(), codes, 0);
        for (int t = 0; t < m; t++) {
            int o = t * w, mo = (t / g) * w;
            for (int c = 0; c < w; c++) k[o + c] = kMin[mo + c] + (codes[o + c] & levels) * kScale[mo + c];
        }

        int vg = h.valueGroup(), nvg = l.nvg, metas = m * h.kvHeads() * nvg;
        float[] vScale = new float[metas], vMin = new float[metas];
        KvHeader.readFloats(b, l.vScale, vScale, 0, metas);
        KvHeader.readFloats(b, l.vMin, vMin, 0, metas);
        BitPacking.unpack(b, (int) l.vCodes, m * w, h.bits(), codes, 0);
        for (int row = 0; row < m * h.kvHeads(); row++) {
            int o = row * d;
            for (int j = 0; j < nvg; j++) {
                int c0 = o + j * vg, c1 = Math.min(o + d, c0 + vg);
                float s = vScale[row * nvg + j], mn = vMin[row * nvg + j];
                for (int c = c0; c < c1; c++) v[c] = mn + (codes[c] & levels) * s;
            }
        }

        KvHeader.readFloats(b, l.kRes, k, m * w, l.r * w);
        KvHeader.readFloats(b, l.vRes, v, m * w, l.r * w);
        return new DecodedKv("int" + h.bits(), h.n(), h.kvHeads(), d, k, v);
    }
}

package io.ringmem.cuda;

import static io.ringmem.cuda.GpuTests.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringmem.kv.DecodedKv;
import io.ringmem.kv.KvCodecs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The KV quantization kernels produce the host codecs' format bit for bit: scales, mins and codes of
 * {@code int8} (Int8Codec) and {@code int4} (KiviCodec, residual 0, whole groups) equal the sections of the bytes
 * {@link KvCodecs} encodes, and the decode kernels equal {@link KvCodecs#decode}. Exact: no tolerance. GPU only.
 */
@Tag("gpu")
@EnabledIf("io.ringmem.cuda.GpuTests#available")
class GpuKvQuantTest {
    private static final int HEADER = 32; // KvHeader.SIZE
    private static CudaContext ctx;
    private static CudaOps ops;

    @BeforeAll
    static void open() {
        ctx = GpuTests.context();
        ops = new CudaOps(ctx);
    }

    @AfterAll
    static void close() {
        if (ctx != null) ctx.close();
    }

    @ParameterizedTest(name = "n={0} kvHeads={1} headDim={2}")
    @CsvSource({"1,1,8", "33,2,64", "64,4,128"})
    void int8SectionsAndDecode(int n, int kvh, int d) {
        float[] k = gaussian(n * kvh * d, n, 3), v = gaussian(n * kvh * d, n + 1, 0.5);
        k[0] = 7f; // a row with an outlier
        byte[] host = KvCodecs.byName("int8").encode(k, v, n, kvh, d);
        DecodedKv decoded = KvCodecs.decode(host);
        int rows = n * kvh;
        long section = 8L * rows + (long) rows * d;
        int8Section(k, rows, d, host, HEADER, decoded.k());
        int8Section(v, rows, d, host, (int) (HEADER + section), decoded.v());
    }

    private static void int8Section(float[] x, int rows, int d, byte[] host, int off, float[] decoded) {
        float[] scales = new float[rows], mins = new float[rows], back = new float[rows * d];
        byte[] codes = new byte[rows * d];
        int[] bad = new int[1];
        ctx.run(() -> {
            try (DeviceBuffer dx = DeviceBuffer.of(ctx, x, x.length); DeviceBuffer s = DeviceBuffer.floats(ctx, rows);
                 DeviceBuffer m = DeviceBuffer.floats(ctx, rows); DeviceBuffer c = new DeviceBuffer(ctx, (long) rows * d);
                 DeviceBuffer b = DeviceBuffer.of(ctx, new int[1], 1); DeviceBuffer out = DeviceBuffer.floats(ctx, back.length)) {
                ops.int8Encode(dx, rows, d, s, m, c, b);
                s.download(scales, rows);
                m.download(mins, rows);
                c.download(codes, codes.length);
                b.download(bad, 1);
                ops.int8Decode(s, m, c, rows, d, out);
                out.download(back, back.length);
            }
        });
        assertEquals(0, bad[0]);
        assertArrayEquals(floats(host, off, rows), scales, "int8 scales");
        assertArrayEquals(floats(host, off + 4 * rows, rows), mins, "int8 mins");
        assertArrayEquals(Arrays.copyOfRange(host, off + 8 * rows, off + 8 * rows + rows * d), codes, "int8 codes");
        assertArrayEquals(decoded, back, "int8 decode");
    }

    @ParameterizedTest(name = "n={0} kvHeads={1} headDim={2}")
    @CsvSource({"32,1,8", "64,2,64", "96,8,128", "32,2,48"})
    void int4SectionsAndDecode(int n, int kvh, int d) {
        float[] k = gaussian(n * kvh * d, n * 3L, 2), v = gaussian(n * kvh * d, n * 5L, 1);
        byte[] host = KvCodecs.byName("int4", 0).encode(k, v, n, kvh, d);
        DecodedKv decoded = KvCodecs.decode(host);
        int w = kvh * d, groups = n / 32, vg = Math.min(32, d), nvg = (d + vg - 1) / vg, rows = n * kvh;
        int kScale = HEADER, kMin = kScale + 4 * groups * w, kCodes = kMin + 4 * groups * w, codeBytes = n * w / 2;
        int vScale = kCodes + codeBytes, vMin = vScale + 4 * rows * nvg, vCodes = vMin + 4 * rows * nvg;
        float[] ks = new float[groups * w], km = new float[groups * w], vs = new float[rows * nvg], vm = new float[rows * nvg];
        byte[] kc = new byte[codeBytes], vc = new byte[codeBytes];
        float[] kBack = new float[k.length], vBack = new float[v.length];
        int[] bad = new int[1];
        ctx.run(() -> {
            try (DeviceBuffer dk = DeviceBuffer.of(ctx, k, k.length); DeviceBuffer dv = DeviceBuffer.of(ctx, v, v.length);
                 DeviceBuffer s1 = DeviceBuffer.floats(ctx, ks.length); DeviceBuffer m1 = DeviceBuffer.floats(ctx, km.length);
                 DeviceBuffer s2 = DeviceBuffer.floats(ctx, vs.length); DeviceBuffer m2 = DeviceBuffer.floats(ctx, vm.length);
                 DeviceBuffer c1 = new DeviceBuffer(ctx, codeBytes); DeviceBuffer c2 = new DeviceBuffer(ctx, codeBytes);
                 DeviceBuffer b = DeviceBuffer.of(ctx, new int[1], 1)) {
                ops.int4EncodeKeys(dk, n, w, s1, m1, c1, b);
                ops.int4EncodeValues(dv, rows, d, s2, m2, c2, b);
                s1.download(ks, ks.length);
                m1.download(km, km.length);
                c1.download(kc, codeBytes);
                s2.download(vs, vs.length);
                m2.download(vm, vm.length);
                c2.download(vc, codeBytes);
                b.download(bad, 1);
                ops.int4DecodeKeys(s1, m1, c1, n, w, dk);
                ops.int4DecodeValues(s2, m2, c2, rows, d, dv);
                dk.download(kBack, k.length);
                dv.download(vBack, v.length);
            }
        });
        assertEquals(0, bad[0]);
        assertArrayEquals(floats(host, kScale, ks.length), ks, "key scales");
        assertArrayEquals(floats(host, kMin, km.length), km, "key mins");
        assertArrayEquals(Arrays.copyOfRange(host, kCodes, kCodes + codeBytes), kc, "key codes");
        assertArrayEquals(floats(host, vScale, vs.length), vs, "value scales");
        assertArrayEquals(floats(host, vMin, vm.length), vm, "value mins");
        assertArrayEquals(Arrays.copyOfRange(host, vCodes, vCodes + codeBytes), vc, "value codes");
        assertArrayEquals(decoded.k(), kBack, "int4 key decode");
        assertArrayEquals(decoded.v(), vBack, "int4 value decode");
    }

    private static float[] floats(byte[] b, int off, int count) {
        float[] out = new float[count];
        ByteBuffer.wrap(b, off, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}

package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ringmem.kv.DecodedKv;
import io.ringmem.kv.KvCodecs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The host codecs' int8 and int4 layouts as {@code kvquant.cu} reads them, checked on the CPU: the sections at the offsets the
 * device kernels and {@code GpuKvQuantTest} assume, the codes unpacked with {@link Nibbles}, and each element
 * decoded with the kernels' indexing (keys: group t/32, channel c; values: row, group c / min(32, d)) and arithmetic
 * ({@code min + code·scale} in fp32) equal {@link KvCodecs#decode} exactly; repacking gives the codec's bytes.
 */
class KvFormatTest {
    private static final int HEADER = 32;

    @ParameterizedTest(name = "n={0} kvHeads={1} headDim={2}")
    @CsvSource({"32,1,8", "64,2,64", "96,4,48", "64,8,128"})
    void kernelIndexingDecodesTheCodecsBytes(int n, int kvh, int d) {
        SplittableRandom r = new SplittableRandom(n + d);
        float[] k = new float[n * kvh * d], v = new float[k.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (r.nextGaussian() * 3);
            v[i] = (float) r.nextGaussian();
        }
        byte[] b = KvCodecs.byName("int4", 0).encode(k, v, n, kvh, d);
        DecodedKv ref = KvCodecs.decode(b);
        int w = kvh * d, groups = n / 32, vg = Math.min(32, d), nvg = (d + vg - 1) / vg, rows = n * kvh;
        int kScale = HEADER, kMin = kScale + 4 * groups * w, kCodes = kMin + 4 * groups * w, codeBytes = n * w / 2;
        int vScale = kCodes + codeBytes, vMin = vScale + 4 * rows * nvg, vCodes = vMin + 4 * rows * nvg;
        float[] ks = floats(b, kScale, groups * w), km = floats(b, kMin, groups * w);
        float[] vs = floats(b, vScale, rows * nvg), vm = floats(b, vMin, rows * nvg);
        byte[] kc = Nibbles.unpack(Arrays.copyOfRange(b, kCodes, kCodes + codeBytes), n * w);
        byte[] vc = Nibbles.unpack(Arrays.copyOfRange(b, vCodes, vCodes + codeBytes), n * w);
        float[] kBack = new float[k.length], vBack = new float[v.length];
        for (int e = 0; e < k.length; e++) {
            int t = e / w, c = e % w, meta = (t / 32) * w + c;           // kv_int4_decode_keys
            kBack[e] = km[meta] + kc[e] * ks[meta];
            int row = e / d, ch = e % d, vmeta = row * nvg + ch / vg;     // kv_int4_decode_values
            vBack[e] = vm[vmeta] + vc[e] * vs[vmeta];
        }
        assertArrayEquals(ref.k(), kBack, "keys");
        assertArrayEquals(ref.v(), vBack, "values");
        assertArrayEquals(Arrays.copyOfRange(b, kCodes, kCodes + codeBytes), Nibbles.pack(kc), "key codes repacked");
        assertArrayEquals(Arrays.copyOfRange(b, vCodes, vCodes + codeBytes), Nibbles.pack(vc), "value codes repacked");
    }

    @ParameterizedTest(name = "n={0} kvHeads={1} headDim={2}")
    @CsvSource({"1,1,8", "33,2,64", "7,4,128"})
    void int8SectionsDecodeLikeTheKernel(int n, int kvh, int d) {
        SplittableRandom r = new SplittableRandom(n);
        float[] k = new float[n * kvh * d], v = new float[k.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (r.nextGaussian() * 5);
            v[i] = (float) r.nextGaussian();
        }
        byte[] b = KvCodecs.byName("int8").encode(k, v, n, kvh, d);
        DecodedKv ref = KvCodecs.decode(b);
        int rows = n * kvh, section = 8 * rows + rows * d;
        assertArrayEquals(ref.k(), int8(b, HEADER, rows, d), "keys");                 // kv_int8_decode
        assertArrayEquals(ref.v(), int8(b, HEADER + section, rows, d), "values");
    }

    private static float[] int8(byte[] b, int off, int rows, int d) {
        float[] scales = floats(b, off, rows), mins = floats(b, off + 4 * rows, rows), x = new float[rows * d];
        for (int i = 0; i < x.length; i++) x[i] = mins[i / d] + (b[off + 8 * rows + i] & 0xFF) * scales[i / d];
        return x;
    }

    private static float[] floats(byte[] b, int off, int count) {
        float[] out = new float[count];
        ByteBuffer.wrap(b, off, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}

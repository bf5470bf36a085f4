package io.ringmem.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Round trips of every codec on seeded random data. Error bounds are recomputed here from the input data (the
 * group ranges), not read back from the codec, and sizes are checked against the documented formulas.
 */
class KvCodecRoundTripTest {
    /** (codec name, residual window) pairs; the residual is ignored by none and int8. */
    private static final Object[][] CODECS = {{"none", 0}, {"int8", 0}, {"int4", 32}, {"int4", 0}, {"int4", 5},
            {"int2", 32}, {"int2", 0}};

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        long seed = 100;
        for (int n : new int[]{1, 31, 32, 33, 100, 257}) {
            for (int kvHeads : new int[]{1, 2, 4}) {
                for (int d : new int[]{8, 32, 64, 128}) {
                    for (Object[] c : CODECS) a.add(Arguments.of(c[0], c[1], n, kvHeads, d, seed++));
                }
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} R={1} n={2} kvHeads={3} d={4}")
    @MethodSource("cases")
    void roundTripWithinBound(String name, int residual, int n, int kvHeads, int d, long seed) {
        Random rnd = new Random(seed);
        int w = kvHeads * d;
        float[] k = KvTestData.channelSkewed(rnd, n, w), v = KvTestData.channelSkewed(rnd, n, w);
        KvCodec codec = KvCodecs.byName(name, residual);
        byte[] bytes = codec.encode(k, v, n, kvHeads, d);

        assertEquals(expectedSize(name, residual, n, kvHeads, d), bytes.length, "documented size formula");
        assertEquals(bytes.length, codec.encodedSize(n, kvHeads, d));
        assertEquals(8.0 * n * w / bytes.length, codec.compressionRatio(n, kvHeads, d), 1e-12);
        assertEquals(name, KvCodecs.codecOf(bytes));

        DecodedKv out = KvCodecs.decode(bytes);
        assertEquals(name, out.codec());
        assertEquals(n, out.n());
        assertEquals(kvHeads, out.kvHeads());
        assertEquals(d, out.headDim());
        switch (name) {
            case "none" -> {
                assertArrayEquals(k, out.k());
                assertArrayEquals(v, out.v());
            }
            case "int8" -> {
                checkRows(k, out.k(), n * kvHeads, d, 255, "k");
                checkRows(v, out.v(), n * kvHeads, d, 255, "v");
            }
            default -> checkKivi(k, v, out, residual, name.equals("int4") ? 15 : 3);
        }
    }

    static long expectedSize(String name, int residual, int n, int kvHeads, int d) {
        long e = (long) n * kvHeads * d, w = (long) kvHeads * d;
        return switch (name) {
            case "none" -> 32 + 8 * e;
            case "int8" -> 32 + 2 * (8L * n * kvHeads + e);
            default -> {
                int bits = name.equals("int4") ? 4 : 2;
                long m = n > residual ? (n - residual) / 32 * 32 : 0, r = n - m;
                int vg = Math.min(32, d), nvg = (d + vg - 1) / vg;
                yield 32 + 8 * (m / 32) * w + 2 * (m * w * bits / 8) + 8 * m * kvHeads * nvg + 8 * r * w;
            }
        };
    }

    /** Error bound of a group with range [min, max] and L levels: scale/2 plus fp32 rounding. */
    static double bound(float min, float max, int levels) {
        double scale = ((double) max - min) / levels;
        return scale / 2 * (1 + 1e-4) + 4 * Math.ulp(Math.max(Math.abs(min), Math.abs(max)));
    }

    /** Checks every element of rows (rows, width) split into channel groups of {@code group}. */
    private static void checkRowGroups(float[] x, float[] y, int firstRow, int rows, int width, int group, int levels,
                                       String what) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            for (int c0 = 0; c0 < width; c0 += group) {
                int c1 = Math.min(width, c0 + group);
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
                for (int c = c0; c < c1; c++) {
                    min = Math.min(min, x[r * width + c]);
                    max = Math.max(max, x[r * width + c]);
                }
                double b = bound(min, max, levels);
                for (int c = c0; c < c1; c++) {
                    double err = Math.abs((double) x[r * width + c] - y[r * width + c]);
                    if (err > b) fail(what + " row " + r + " col " + c + ": error " + err + " > bound " + b);
                }
            }
        }
    }

    private static void checkRows(float[] x, float[] y, int rows, int d, int levels, String what) {
        checkRowGroups(x, y, 0, rows, d, d, levels, what);
    }

    private static void checkKivi(float[] k, float[] v, DecodedKv out, int residual, int levels) {
        int n = out.n(), kvHeads = out.kvHeads(), d = out.headDim(), w = kvHeads * d;
        int m = n > residual ? (n - residual) / 32 * 32 : 0;
        // keys: per channel over groups of 32 tokens
        for (int g = 0; g < m / 32; g++) {
            for (int c = 0; c < w; c++) {
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
                for (int t = g * 32; t < g * 32 + 32; t++) {
                    min = Math.min(min, k[t * w + c]);
                    max = Math.max(max, k[t * w + c]);
                }
                double b = bound(min, max, levels);
                for (int t = g * 32; t < g * 32 + 32; t++) {
                    double err = Math.abs((double) k[t * w + c] - out.k()[t * w + c]);
                    if (err > b) fail("k token " + t + " channel " + c + ": error " + err + " > bound " + b);
                }
            }
        }
        // values: per (token, head) in groups of min(32, d) channels
        checkRowGroups(v, out.v(), 0, m * kvHeads, d, Math.min(32, d), levels, "v");
        // residual: bit-exact
        for (int i = m * w; i < n * w; i++) {
            assertEquals(Float.floatToRawIntBits(k[i]), Float.floatToRawIntBits(out.k()[i]), "residual k " + i);
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(out.v()[i]), "residual v " + i);
        }
        assertTrue(n - m >= Math.min(n, residual) && n - m < Math.min(n, residual) + 32, "residual size");
    }

    @Test
    void lossyCodecsReallyQuantize() {
        // guards the bound checks above against a codec that silently stores everything in the residual
        Random rnd = new Random(3);
        int n = 96, kvHeads = 2, d = 64;
        float[] k = KvTestData.gaussian(rnd, n * kvHeads * d), v = KvTestData.gaussian(rnd, n * kvHeads * d);
        for (String name : List.of("int8", "int4", "int2")) {
            DecodedKv out = KvCodecs.decode(KvCodecs.byName(name, 0).encode(k, v, n, kvHeads, d));
            double ek = KvTestData.relativeError(out.k(), k), ev = KvTestData.relativeError(out.v(), v);
            assertTrue(ek > 0 && ev > 0, name + " should be lossy");
        }
    }

    @Test
    void documentedRatios() {
        // n = 1024, 8 KV heads, headDim 64: int8 = 4·64/(64+8) ≈ 3.556 (header included)
        assertEquals(3.5555, KvCodecs.byName("int8").compressionRatio(1024, 8, 64), 1e-3);
        assertEquals(1.0, KvCodecs.byName("none").compressionRatio(1024, 8, 64), 1e-4);
        // int4, R = 0, headDim 128, W = 1024 channels: key meta 8·(m/32)·W, codes 2·m·W/2, value meta 8·m·8·4
        double int4 = 8.0 * 1024 * 8 * 128 / (32 + 8 * 32 * 1024 + 2 * (1024 * 1024 * 4 / 8) + 8 * 1024 * 8 * 4);
        assertEquals(int4, KvCodecs.byName("int4", 0).compressionRatio(1024, 8, 128), 1e-9);
        // int2 with fp32 scale/min metadata: codes 2·m·W/4 and the same metadata, exactly 8x up to the header
        double int2 = 8.0 * 1024 * 8 * 128 / (32 + 8 * 32 * 1024 + 2 * (1024 * 1024 * 2 / 8) + 8 * 1024 * 8 * 4);
        assertEquals(int2, KvCodecs.byName("int2", 0).compressionRatio(1024, 8, 128), 1e-9);
        assertEquals(8.0, int2, 1e-3);
    }

    @Test
    void emptyBlockRoundTrips() {
        for (String name : KvCodecs.NAMES) {
            DecodedKv out = KvCodecs.decode(KvCodecs.byName(name).encode(new float[0], new float[0], 0, 2, 16));
            assertEquals(0, out.k().length);
            assertEquals(2, out.kvHeads());
        }
    }

    @Test
    void constantGroupsDecodeExactly() {
        int n = 64, kvHeads = 1, d = 32;
        float[] k = new float[n * d], v = new float[n * d];
        Arrays.fill(k, 1.25f);
        Arrays.fill(v, -3.5f);
        for (String name : KvCodecs.NAMES) {
            DecodedKv out = KvCodecs.decode(KvCodecs.byName(name, 0).encode(k, v, n, kvHeads, d));
            assertArrayEquals(k, out.k(), name);
            assertArrayEquals(v, out.v(), name);
        }
    }
}

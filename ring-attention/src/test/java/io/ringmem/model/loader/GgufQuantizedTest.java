package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.model.LayerWeights;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.RopeScaling;
import io.ringmem.quant.KQuantOracle;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GGUF files written with every supported tensor type load to the expected dequantized values. */
class GgufQuantizedTest {

    /** An independent decoder of stored bytes, written from the format description. */
    static float[] referenceDecode(GgmlType type, byte[] bytes, int n) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        switch (type) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort());
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
            }
            case Q8_0 -> {
                for (int blk = 0; blk < n / 32; blk++) {
                    float d = Float.float16ToFloat(b.getShort());
                    for (int j = 0; j < 32; j++) out[blk * 32 + j] = d * b.get();
                }
            }
            case Q4_0 -> {
                for (int blk = 0; blk < n / 32; blk++) {
                    float d = Float.float16ToFloat(b.getShort());
                    for (int j = 0; j < 16; j++) {
                        int q = b.get() & 0xFF;
                        out[blk * 32 + j] = d * ((q & 15) - 8);
                        out[blk * 32 + 16 + j] = d * ((q >> 4) - 8);
                    }
                }
            }
            case Q4_K, Q5_K, Q6_K, Q8_K -> out = KQuantOracle.decode(type.name(), bytes, n);
        }
        return out;
    }

    /** Checks the loaded values against the originals within the type's rounding. */
    static void assertWithinTolerance(GgmlType type, float[] orig, float[] got, String what) {
        if (type.blockSize == 256) {
            assertWithinKTolerance(type, orig, got, what);
            return;
        }
        for (int blk = 0; blk < orig.length; blk += 32) {
            float amax = 0, max = 0;
            for (int j = blk; j < Math.min(orig.length, blk + 32); j++) {
                if (Math.abs(orig[j]) > amax) {
                    amax = Math.abs(orig[j]);
                    max = orig[j];
                }
            }
            for (int j = blk; j < Math.min(orig.length, blk + 32); j++) {
                float x = orig[j], y = got[j], err = Math.abs(x - y);
                String at = what + " [" + j + "] " + x + " -> " + y;
                switch (type) {
                    case F32 -> assertEquals(x, y, at);
                    case F16 -> assertTrue(err <= Math.max(Math.abs(x) * 0x1p-11f, 0x1p-25f), at);
                    case BF16 -> assertTrue(err <= Math.abs(x) * 0x1p-8f, at);
                    case Q8_0 -> {
                        float d = amax / 127, d16 = Float.float16ToFloat(Float.floatToFloat16(d));
                        assertTrue(err <= d / 2 * 1.0001f + 127 * Math.abs(d - d16), at);
                    }
                    case Q4_0 -> {
                        float d = max / -8, d16 = Float.float16ToFloat(Float.floatToFloat16(d));
                        // the top level (x / d = +8) is clamped to nibble 15, an error of up to one step
                        float step = x / d > 7.5f ? Math.abs(d) : Math.abs(d) / 2;
                        assertTrue(err <= step * 1.0001f + 8 * Math.abs(d - d16), at);
                    }
                }
            }
        }
    }

    /**
     * K-quants: |x − y| ≤ bound · (max(x, 0) − min(x, 0)) over each 256-value super-block, with the bounds of
     * {@code KQuantFormatsTest.RANGE_BOUND} (Q4_K 0.07, Q5_K 0.04, Q6_K 0.025, Q8_K 1/250).
     */
    private static void assertWithinKTolerance(GgmlType type, float[] orig, float[] got, String what) {
        double bound = switch (type) {
            case Q4_K -> 0.07;
            case Q5_K -> 0.04;
            case Q6_K -> 0.025;
            default -> 1 / 250.0;
        };
        for (int blk = 0; blk < orig.length; blk += 256) {
            float lo = 0, hi = 0;
            for (int j = blk; j < blk + 256; j++) {
                lo = Math.min(lo, orig[j]);
                hi = Math.max(hi, orig[j]);
            }
            for (int j = blk; j < blk + 256; j++) {
                assertTrue(Math.abs(orig[j] - got[j]) <= bound * (hi - lo), what + " [" + j + "] " + orig[j] + " -> " + got[j]);
            }
        }
    }

    @ParameterizedTest // K-quants: the wide model (rows of whole 256-value super-blocks), 1-D norms stored as F32
    @EnumSource(GgmlType.class)
    void everyTypeLoadsToTheExpectedValues(GgmlType type, @TempDir Path dir) throws IOException {
        boolean k = type.blockSize == 256;
        TinyGgufModel tiny = k ? new TinyGgufModel(42, true, 256, 512) : new TinyGgufModel(42, true);
        Path file = dir.resolve("tiny-" + type + ".gguf");
        tiny.writer(type).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertEquals(new ModelConfig(tiny.dim, tiny.hidden, 2, 4, 2, tiny.dim / 4, 64, 256, 1e-6f, 20000.0,
                    RopeLayout.ADJACENT_PAIRS, null), m.config());
            assertNull(m.tokenizer());
            check(type, tiny, "token_embd.weight", m.weights().embedding());
            check(type, tiny, "output.weight", m.weights().output());
            checkVector(type, tiny, "output_norm.weight", m.weights().finalNorm());
            for (int i = 0; i < 2; i++) {
                LayerWeights l = m.weights().layers().get(i);
                String p = "blk." + i + ".";
                checkVector(type, tiny, p + "attn_norm.weight", l.attnNorm());
                checkVector(type, tiny, p + "ffn_norm.weight", l.ffnNorm());
                check(type, tiny, p + "attn_q.weight", l.wq());
                check(type, tiny, p + "attn_k.weight", l.wk());
                check(type, tiny, p + "attn_v.weight", l.wv());
                check(type, tiny, p + "attn_output.weight", l.wo());
                check(type, tiny, p + "ffn_gate.weight", l.w1());
                check(type, tiny, p + "ffn_down.weight", l.w2());
                check(type, tiny, p + "ffn_up.weight", l.w3());
            }
            if (type == GgmlType.F32) LoaderAssertions.assertMapped(m.weights());
            else LoaderAssertions.assertOffHeap(m.weights());
        }
    }

    private static void check(GgmlType type, TinyGgufModel tiny, String name, Matrix got) {
        TinyGgufModel.Tensor t = tiny.tensors.get(name);
        assertEquals(t.shape()[0], got.rows(), name + " rows");
        assertEquals(t.shape()[1], got.cols(), name + " cols");
        float[] expected = referenceDecode(type, Dequantize.encode(type, t.values()), t.values().length);
        float[] values = got.toArray();
        assertArrayEquals(expected, values, name);
        assertWithinTolerance(type, t.values(), values, name);
    }

    private static void checkVector(GgmlType stored, TinyGgufModel tiny, String name, float[] got) {
        GgmlType type = stored.blockSize == 256 ? GgmlType.F32 : stored; // the writer keeps K-quant files' norms F32
        float[] orig = tiny.get(name);
        assertArrayEquals(referenceDecode(type, Dequantize.encode(type, orig), orig.length), got, name);
        assertWithinTolerance(type, orig, got, name);
    }

    @Test
    void missingOutputMeansTied(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(1, false);
        Path file = dir.resolve("tied.gguf");
        tiny.writer(GgmlType.Q8_0).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertSame(m.weights().embedding(), m.weights().output());
        }
    }

    @Test
    void versionTwoAndCustomAlignment(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(3, true);
        Path v2 = dir.resolve("v2.gguf");
        tiny.writer(GgmlType.F32).version(2).write(v2);
        Path aligned = dir.resolve("aligned.gguf");
        tiny.writer(GgmlType.F32).alignment(256).write(aligned);
        Path odd = dir.resolve("odd.gguf");
        tiny.writer(GgmlType.F32).alignment(4).write(odd);
        try (LoadedModel a = ModelLoader.load(v2, null); LoadedModel b = ModelLoader.load(aligned, null);
             LoadedModel c = ModelLoader.load(odd, null)) {
            LoaderAssertions.assertSameWeights(a.weights(), b.weights());
            LoaderAssertions.assertSameWeights(a.weights(), c.weights());
            assertArrayEquals(tiny.get("blk.1.ffn_down.weight"), c.weights().layers().get(1).w2().toArray());
            LoaderAssertions.assertMapped(c.weights());
        }
        try (var arena = Arena.ofConfined()) {
            GgufFile f = GgufFile.parse(aligned, ModelLoader.map(aligned, arena));
            assertEquals(256, f.alignment());
            assertEquals(0, f.dataStart() % 256);
            assertEquals(2, GgufFile.parse(v2, ModelLoader.map(v2, arena)).version());
        }
    }

    @Test
    void unsupportedTensorTypeIsNamed(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(5, true);
        tiny.tensors.remove("blk.0.attn_q.weight");
        // attn_q of layer 0 as Q5_0 (id 6): 4096 values = 128 blocks of 22 bytes
        Path file = dir.resolve("model.gguf");
        tiny.writer(GgmlType.F32).rawTensor("blk.0.attn_q.weight", 6, new byte[128 * 22], 64, 64).write(file);
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(file, null));
        assertEquals(file + ": tensor blk.0.attn_q.weight has unsupported type Q5_0 (id 6); supported: F32, F16, "
                + "Q4_0, Q8_0, Q4_K, Q5_K, Q6_K, Q8_K, BF16", e.getMessage());
    }

    @Test
    void unusedTensorsOfUnknownTypeAreIgnored(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("extra.gguf");
        new TinyGgufModel(6, true).writer(GgmlType.F16).rawTensor("something.else", 99, new byte[10], 5).write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertEquals(2, m.config().layers());
        }
    }

    @Test
    void quantizedRowsMustBeWholeBlocks(@TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(8, true);
        Path file = dir.resolve("rows.gguf");
        tiny.writer(GgmlType.F32).rawTensor("bad", GgmlType.Q8_0.id, Dequantize.quantizeQ8_0(new float[48 * 64]), 64, 48)
                .write(file);
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(file, null));
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("not a multiple of 32"), e.getMessage());
    }

    @Test
    void ropeFreqsTensorBecomesLlama3Scaling(@TempDir Path dir) throws IOException {
        RopeScaling want = new RopeScaling(8, 1, 4, 8192);
        float[] factors = RopeFactors.factors(want, 16, 20000.0);
        Path file = dir.resolve("llama31.gguf");
        new TinyGgufModel(9, true).writer(GgmlType.F32).tensor("rope_freqs.weight", GgmlType.F32, factors, 8)
                .write(file);
        try (LoadedModel m = ModelLoader.load(file, null)) {
            assertEquals(want, m.config().ropeScaling());
        }
        float[] bad = factors.clone();
        bad[0] = 3;
        Path badFile = dir.resolve("odd-freqs.gguf");
        new TinyGgufModel(9, true).writer(GgmlType.F32).tensor("rope_freqs.weight", GgmlType.F32, bad, 8)
                .write(badFile);
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(badFile, null));
        assertTrue(e.getMessage().contains("rope_freqs.weight"), e.getMessage());
    }

    @Test
    void ropeFactorFitRecoversNonDefaultBands() {
        // Llama 3.1 8B geometry with unusual band factors; 8192 and 4096 originals give the same frequencies
        RopeScaling s = new RopeScaling(16, 2, 6, 4096);
        float[] f = RopeFactors.factors(s, 128, 500000.0);
        RopeScaling fit = RopeFactors.fit(f, 128, 500000.0, 8192);
        for (int i = 0; i < 64; i++) {
            double inv = 1.0 / Math.pow(500000.0, 2.0 * i / 128);
            assertEquals(s.scale(inv), fit.scale(inv), s.scale(inv) * 1e-3, "frequency " + i);
        }
        assertEquals(16, fit.factor(), 1e-6);
        assertTrue(RopeFactors.isIdentity(new float[]{1, 1, 1}));
    }

    @Test
    void metadataOfEveryTypeRoundTrips(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("meta.gguf");
        GgufWriter w = new TinyGgufModel(10, true).writer(GgmlType.F32)
                .put("t.u8", GgufFile.UINT8, 250)
                .put("t.i8", GgufFile.INT8, -5)
                .put("t.u16", GgufFile.UINT16, 65000)
                .put("t.i16", GgufFile.INT16, -30000)
                .put("t.u32", GgufFile.UINT32, 4000000000L)
                .put("t.i32", GgufFile.INT32, -7)
                .put("t.f32", GgufFile.FLOAT32, 1.5f)
                .put("t.bool", GgufFile.BOOL, true)
                .put("t.str", GgufFile.STRING, "héllo ▁")
                .put("t.u64", GgufFile.UINT64, 1L << 40)
                .put("t.i64", GgufFile.INT64, -(1L << 40))
                .put("t.f64", GgufFile.FLOAT64, 0.1)
                .put("t.nested", GgufFile.ARRAY, new GgufWriter.Arr(GgufFile.ARRAY, List.of(
                        new GgufWriter.Arr(GgufFile.INT16, List.of(1, -2)),
                        new GgufWriter.Arr(GgufFile.STRING, List.of("x")))))
                .put("t.bools", GgufFile.ARRAY, new GgufWriter.Arr(GgufFile.BOOL, List.of(true, false)))
                .put("t.f64s", GgufFile.ARRAY, new GgufWriter.Arr(GgufFile.FLOAT64, List.of(2.5)))
                .put("t.u8s", GgufFile.ARRAY, new GgufWriter.Arr(GgufFile.UINT8, List.of(255, 0)));
        w.write(file);
        try (var arena = Arena.ofConfined()) {
            Map<String, Object> m = GgufFile.parse(file, ModelLoader.map(file, arena)).metadata();
            assertEquals(250, m.get("t.u8"));
            assertEquals(-5, m.get("t.i8"));
            assertEquals(65000, m.get("t.u16"));
            assertEquals(-30000, m.get("t.i16"));
            assertEquals(4000000000L, m.get("t.u32"));
            assertEquals(-7, m.get("t.i32"));
            assertEquals(1.5f, m.get("t.f32"));
            assertEquals(true, m.get("t.bool"));
            assertEquals("héllo ▁", m.get("t.str"));
            assertEquals(1L << 40, m.get("t.u64"));
            assertEquals(-(1L << 40), m.get("t.i64"));
            assertEquals(0.1, m.get("t.f64"));
            GgufFile.Array nested = (GgufFile.Array) m.get("t.nested");
            GgufFile.Array[] inner = (GgufFile.Array[]) nested.values();
            assertArrayEquals(new long[]{1, -2}, (long[]) inner[0].values());
            assertArrayEquals(new String[]{"x"}, (String[]) inner[1].values());
            assertArrayEquals(new boolean[]{true, false}, (boolean[]) ((GgufFile.Array) m.get("t.bools")).values());
            assertArrayEquals(new double[]{2.5}, (double[]) ((GgufFile.Array) m.get("t.f64s")).values());
            assertArrayEquals(new long[]{255, 0}, (long[]) ((GgufFile.Array) m.get("t.u8s")).values());
            assertEquals("llama", m.get("general.architecture"));
        }
        try (LoadedModel model = ModelLoader.load(file, null)) {
            assertEquals(64, model.config().dim());
        }
    }
}

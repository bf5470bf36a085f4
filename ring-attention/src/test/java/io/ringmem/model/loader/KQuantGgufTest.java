package io.ringmem.model.loader;

import io.ringmem.model.LoadedModel;
import io.ringmem.quant.KQuantOracle;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GGUF files with K-quant tensors written by {@link GgufWriter} (ggml's reference quantizers via
 * {@link Dequantize#encode}): the directory parses, every tensor's bytes sit where the directory says with the size
 * its type and shape give, and decode to the quantized values;
 * the loader keeps the matrices quantized, or expands them to the same values when asked to dequantize.
 */
class KQuantGgufTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void kQuantTensorsParseWithTheirSizes(GgmlType type, @TempDir Path dir) throws IOException {
        TinyGgufModel tiny = new TinyGgufModel(11, true, 256, 512);
        byte[] file = tiny.writer(type).toBytes();
        GgufFile gguf = GgufFile.parse(dir.resolve("k.gguf"), MemorySegment.ofArray(file));
        MemorySegment all = MemorySegment.ofArray(file);
        long offset = 0, end = 0;
        assertEquals(tiny.tensors.keySet(), gguf.tensors().keySet());
        for (Map.Entry<String, TinyGgufModel.Tensor> e : tiny.tensors.entrySet()) {
            String name = e.getKey();
            TinyGgufModel.Tensor t = e.getValue();
            StoredTensor st = gguf.tensors().get(name);
            assertArrayEquals(t.shape(), st.shape(), name);
            GgmlType stored = t.shape().length == 1 ? GgmlType.F32 : type; // norms stay F32
            assertEquals(GgmlType.nameOf(stored.id) + " (id " + stored.id + ")", st.typeName(), name);
            long bytes = stored.bytesFor(t.values().length);
            assertEquals(bytes, st.data().byteSize(), name);
            // the bytes at the tensor's place decode to the reference quantization of its values
            byte[] expectedBytes = Dequantize.encode(stored, t.values());
            assertEquals(bytes, expectedBytes.length, name + " size");
            byte[] at = all.asSlice(gguf.dataStart() + offset, bytes).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(expectedBytes, at, name + " bytes at offset " + offset);
            if (stored == type) {
                float[] got = KQuantOracle.decode(type.name(), at, t.values().length);
                assertTrue(maxError(t.values(), got) <= 0.1 * maxAbs(t.values()), name + " decodes near its values");
            }
            end = offset + bytes;
            offset = (end + gguf.alignment() - 1) / gguf.alignment() * gguf.alignment();
        }
        assertEquals(gguf.dataStart() + end, file.length, "file ends with the last tensor");
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void theLoaderKeepsKQuantMatricesQuantizedOrExpandsThemWhenAsked(GgmlType type, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("k.gguf");
        TinyGgufModel tiny = new TinyGgufModel(12, true, 256, 512);
        Files.write(file, tiny.writer(type).toBytes());
        try (LoadedModel kept = ModelLoader.load(file, null);
             LoadedModel expanded = ModelLoader.load(file, null, new LoadOptions(true))) {
            Matrix q = kept.weights().layers().get(1).w2();
            Matrix f = expanded.weights().layers().get(1).w2();
            assertEquals(type.name(), q.format().name(), "kept as its mapped blocks");
            assertNull(f.format(), "expanded to fp32");
            assertArrayEquals(q.toArray(), f.toArray(), "the same values either way");
            float[] orig = tiny.get("blk.1.ffn_down.weight");
            assertArrayEquals(KQuantOracle.decode(type.name(), Dequantize.encode(type, orig), orig.length), q.toArray());
            assertArrayEquals(tiny.get("blk.1.ffn_norm.weight"), kept.weights().layers().get(1).ffnNorm(), "norms F32");
        }
    }

    private static double maxError(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}

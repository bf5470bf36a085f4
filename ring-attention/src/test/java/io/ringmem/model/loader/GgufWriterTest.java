package io.ringmem.model.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GgufWriter}'s streamed write: lazy tensors give the same file as in-memory ones, and wrong sizes are refused. */
class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void lazyTensorsWriteTheSameBytesAsEagerOnes() throws Exception {
        float[] a = {1, 2, 3}, b = new float[64];
        for (int i = 0; i < b.length; i++) b[i] = i * 0.25f - 3;
        byte[] eager = new GgufWriter().string("general.architecture", "x")
                .tensor("a", GgmlType.F32, a, 3).tensor("b", GgmlType.Q8_0, b, 2, 32).toBytes();
        Path file = dir.resolve("lazy.gguf");
        new GgufWriter().string("general.architecture", "x")
                .lazyTensor("a", GgmlType.F32.id, 12, () -> Dequantize.encode(GgmlType.F32, a), 3)
                .lazyTensor("b", GgmlType.Q8_0.id, 68, () -> Dequantize.encode(GgmlType.Q8_0, b), 2, 32)
                .write(file);
        assertArrayEquals(eager, Files.readAllBytes(file));
        assertEquals(2, GgufFile.parse(file, MemorySegment.ofArray(Files.readAllBytes(file))).tensors().size());
    }

    @Test
    void aLazyTensorOfTheWrongSizeIsRefused() {
        GgufWriter w = new GgufWriter().lazyTensor("a", GgmlType.F32.id, 16, () -> new byte[12], 4);
        IllegalStateException e = assertThrows(IllegalStateException.class, w::toBytes);
        assertTrue(e.getMessage().contains("a: 12 bytes, declared 16"), e.getMessage());
    }
}

package io.ringmem.model.loader;

import io.ringmem.RingmemException;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.ScoreResult;
import io.ringmem.forward.Scorer;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.ring.ShardSchedule;
import io.ringmem.tensor.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GGUF model written as Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K by the test writer (K-quants: dim 256, hidden 512, so
 * rows are whole super-blocks), loaded two ways: kept quantized (the default: mapped blocks, fused kernels) and with
 * {@link LoadOptions#dequantize()} (fp32 copies, the fp32 kernels). Both hold the same weight values, so they must
 * score a sequence alike up to fp32 summation order: every kept logit within {@code 1e-4 · (1 + max|logit|)} and
 * every token's NLL within max(1e-4, 2e-5 · |NLL|) nats (the wide K-quant model reaches NLLs of ~20), through the
 * batched (unpacked panel) path and through the few-token (fused dot) path, on the vector and the scalar kernels.
 */
class QuantizedModelLoadTest {
    private static final int[] IDS = {1, 5, 9, 33, 2, 63, 17, 17, 40, 8, 0, 12, 59, 31, 22, 7, 3, 44, 50, 61,
            6, 18, 27, 36, 45, 54, 10, 11, 13, 14, 15, 16, 19, 20, 21, 23, 24, 25, 26, 28};

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void quantizedAndDequantizedLoadsScoreAlike(GgmlType type, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny-" + type + ".gguf");
        // K-quants: the wide model, whose rows are whole 256-value super-blocks
        TinyGgufModel tiny = type.blockSize == 256 ? new TinyGgufModel(21, true, 256, 512) : new TinyGgufModel(21, true);
        float scale = 0.05f * (float) Math.sqrt(64.0 / tiny.dim);
        // matrices scaled down so activations stay O(1): the raw tiny model's weights (up to ~10) make logits of
        // thousands, where summation-order differences are amplified layer by layer
        tiny.tensors.values().forEach(t -> {
            if (t.shape().length == 2) for (int i = 0; i < t.values().length; i++) t.values()[i] *= scale;
        });
        tiny.writer(type).write(file);
        try (LoadedModel q = ModelLoader.load(file, null);
             LoadedModel f = ModelLoader.load(file, null, new LoadOptions(true))) {
            for (Matrix m : LoaderAssertions.matrices(q.weights())) {
                assertEquals(type.name(), m.format().name());
                assertTrue(m.data().isMapped(), "quantized blocks are used in place");
            }
            for (Matrix m : LoaderAssertions.matrices(f.weights())) assertNull(m.format());
            LoaderAssertions.assertSameWeights(q.weights(), f.weights()); // decoded values identical
            for (String kernels : new String[]{"vector", "scalar"}) {
                try (Kernels k = KernelsFactory.byName(kernels, 2)) {
                    for (int blockTokens : new int[]{256, 3}) {
                        RunConfig run = new RunConfig(1, ShardSchedule.ZIGZAG, blockTokens, Duration.ofMinutes(1));
                        Set<Integer> keep = Set.of(0, 7, IDS.length - 1);
                        ScoreResult a = new Scorer(new LlamaModel(q.config(), q.weights(), k), run).score(IDS, keep);
                        ScoreResult b = new Scorer(new LlamaModel(f.config(), f.weights(), k), run).score(IDS, keep);
                        String at = type + " " + kernels + " blockTokens=" + blockTokens;
                        for (int p : keep) {
                            float[] la = a.logits().get(p), lb = b.logits().get(p);
                            float max = 0;
                            for (float v : lb) max = Math.max(max, Math.abs(v));
                            assertArrayEquals(lb, la, 1e-4f * (1 + max), at + " logits at " + p);
                        }
                        for (int i = 0; i < a.nll().length; i++) {
                            assertEquals(b.nll()[i], a.nll()[i], Math.max(1e-4, 2e-5 * Math.abs(b.nll()[i])), at + " nll at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void truncatedQuantizedFileIsRefusedAtLoad(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("q8.gguf");
        new TinyGgufModel(22, true).writer(GgmlType.Q8_0).write(file);
        byte[] all = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(all, all.length - 17));
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(cut, null));
        assertTrue(e.getMessage().startsWith(cut + ": truncated: tensor "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void overlappingTensorsAreRefusedAtLoad(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("overlap.gguf");
        // blk.0.attn_k.weight listed at offset 32: inside token_embd.weight (64 × 64 Q8_0 = 4352 bytes at 0)
        new TinyGgufModel(23, true).writer(GgmlType.Q8_0).directoryOffset("blk.0.attn_k.weight", 32).write(file);
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(file, null));
        assertEquals(file + ": corrupt tensor directory: tensor blk.0.attn_k.weight (data bytes 32..2208) overlaps tensor "
                + "token_embd.weight (data bytes 0..4352)", e.getMessage());
    }

    @Test
    void rowsThatAreNotWholeBlocksAreRefusedAtLoad(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rows.gguf");
        new TinyGgufModel(24, true).writer(GgmlType.F32)
                .rawTensor("odd", GgmlType.Q4_0.id, new byte[18 * 3], 2, 48).write(file);
        RingmemException e = assertThrows(RingmemException.class, () -> ModelLoader.load(file, null));
        assertEquals(file + ": tensor odd of type Q4_0 (id 2) has rows of 48 values, not a multiple of 32", e.getMessage());
    }
}

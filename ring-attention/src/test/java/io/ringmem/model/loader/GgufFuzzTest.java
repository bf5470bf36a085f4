package io.ringmem.model.loader;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringmem.RingmemException;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import io.ringmem.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Fuzzes the GGUF reader end to end ({@link GgufFile#parse} and {@link GgufLoader}: metadata, tensor directory,
 * hyper-parameters, dequantization, the GGUF tokenizer): any bytes give a model or a {@link RingmemException}, within
 * the allocation budget of {@link FuzzContract}; every tensor the
 * directory lists holds exactly its shape's bytes ({@link TensorOracle}). Seeds: tiny llama models written at test time.
 */
class GgufFuzzTest {
    private static final Path FILE = Path.of("fuzz.gguf");

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(loads(), 2000, this::loads);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void loads(byte[] data) throws Exception {
        FuzzContract.check(data.length, FuzzContract.only(RingmemException.class), () -> {
            for (StoredTensor t : GgufFile.parse(FILE, MemorySegment.ofArray(data)).tensors().values()) {
                TensorOracle.check(t, data.length);
            }
            try (Arena arena = Arena.ofConfined()) {
                GgufLoader.Parts parts = GgufLoader.load(FILE, MemorySegment.ofArray(data), arena, true);
                Tokenizer t = parts.tokenizer();
                if (t != null) t.decode(t.encode("Once upon a time, ünïcödé <s> 123"));
            }
        });
    }

    static Stream<Arguments> loads() {
        return Stream.of(Arguments.of((Object) tinyModel(GgmlType.F32, true)), Arguments.of((Object) tinyModel(GgmlType.F16, false)),
                Arguments.of((Object) new GgufWriter().string("general.architecture", "llama").toBytes()));
    }

    /** A 1-layer llama (dim 8, 2 heads, 1 KV head, vocab 8) with a GGUF tokenizer: about 2 KB in F32. */
    static byte[] tinyModel(GgmlType type, boolean withTokenizer) {
        int dim = 8, hidden = 16, vocab = 8, kv = 4;
        GgufWriter w = new GgufWriter()
                .string("general.architecture", "llama")
                .uint32("llama.context_length", 16)
                .uint32("llama.embedding_length", dim)
                .uint32("llama.feed_forward_length", hidden)
                .uint32("llama.block_count", 1)
                .uint32("llama.attention.head_count", 2)
                .uint32("llama.attention.head_count_kv", 1)
                .float32("llama.rope.freq_base", 10000f);
        if (withTokenizer) {
            w.string("tokenizer.ggml.model", "llama")
                    .strings("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "<0x41>", "▁", "a", "b", "▁a")
                    .floats("tokenizer.ggml.scores", new float[] {0, 0, 0, 0, -1, -2, -3, -4})
                    .int32s("tokenizer.ggml.token_type", new int[] {2, 3, 3, 6, 1, 1, 1, 1})
                    .uint32("tokenizer.ggml.bos_token_id", 1)
                    .uint32("tokenizer.ggml.eos_token_id", 2);
        }
        SplittableRandom r = new SplittableRandom(7);
        w.tensor("token_embd.weight", type, random(r, vocab * dim), vocab, dim);
        w.tensor("output_norm.weight", type, random(r, dim), dim);
        String p = "blk.0.";
        w.tensor(p + "attn_norm.weight", type, random(r, dim), dim);
        w.tensor(p + "attn_q.weight", type, random(r, dim * dim), dim, dim);
        w.tensor(p + "attn_k.weight", type, random(r, kv * dim), kv, dim);
        w.tensor(p + "attn_v.weight", type, random(r, kv * dim), kv, dim);
        w.tensor(p + "attn_output.weight", type, random(r, dim * dim), dim, dim);
        w.tensor(p + "ffn_norm.weight", type, random(r, dim), dim);
        w.tensor(p + "ffn_gate.weight", type, random(r, hidden * dim), hidden, dim);
        w.tensor(p + "ffn_down.weight", type, random(r, dim * hidden), dim, hidden);
        w.tensor(p + "ffn_up.weight", type, random(r, hidden * dim), hidden, dim);
        return w.toBytes();
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}

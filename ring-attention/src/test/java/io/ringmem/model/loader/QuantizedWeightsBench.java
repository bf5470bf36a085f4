package io.ringmem.model.loader;

import io.ringmem.forward.Generator;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.Sampler;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.model.LoadedModel;
import io.ringmem.ring.ShardSchedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Bench-scope tool for the "Quantized weights" section of {@code docs/benchmarks.md} (not a test; run by hand with
 * the CLI jar and the test classes on the class path):
 * <ul>
 *   <li>{@code write FILE TYPE}: a random Llama of about 200M parameters (vocab 32000, hidden 1024, 12 layers,
 *   16/4 heads, FFN 2816, weights N(0, 0.02²), norms 1) as a GGUF file of TYPE (F32, Q8_0, Q4_0), no tokenizer;</li>
 *   <li>{@code run FILE quantized|dequantized PROMPT DECODE THREADS}: loads FILE (keeping the blocks, or with
 *   {@link LoadOptions#dequantize()}), prefills PROMPT seeded random tokens, then greedily decodes DECODE tokens,
 *   and prints one line: {@code mode prefill_s decode_tok_s}. One JVM per run, so peak RSS (e.g. from
 *   {@code /usr/bin/time -v}) belongs to one mode.</li>
 * </ul>
 */
public final class QuantizedWeightsBench {
    private static final int VOCAB = 32000, DIM = 1024, LAYERS = 12, HEADS = 16, KV_HEADS = 4, FFN = 2816;

    private QuantizedWeightsBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("write")) {
            write(Path.of(args[1]), GgmlType.valueOf(args[2]));
        } else if (args.length == 3 && args[0].equals("matvec")) {
            matvec(Path.of(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 6 && args[0].equals("run")) {
            run(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        } else {
            throw new IllegalArgumentException("usage: write FILE TYPE | run FILE quantized|dequantized PROMPT DECODE THREADS");
        }
    }

    static void write(Path file, GgmlType type) throws IOException {
        SplittableRandom r = new SplittableRandom(2026);
        int headDim = DIM / HEADS, kv = KV_HEADS * headDim;
        GgufWriter w = new GgufWriter()
                .string("general.architecture", "llama")
                .string("general.name", "random-200m")
                .uint32("llama.context_length", 4096)
                .uint32("llama.embedding_length", DIM)
                .uint32("llama.feed_forward_length", FFN)
                .uint32("llama.block_count", LAYERS)
                .uint32("llama.attention.head_count", HEADS)
                .uint32("llama.attention.head_count_kv", KV_HEADS)
                .uint32("llama.rope.dimension_count", headDim)
                .float32("llama.rope.freq_base", 10000f)
                .float32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        matrix(w, r, type, "token_embd.weight", VOCAB, DIM);
        w.tensor("output_norm.weight", GgmlType.F32, ones(DIM), DIM);
        matrix(w, r, type, "output.weight", VOCAB, DIM);
        for (int i = 0; i < LAYERS; i++) {
            String p = "blk." + i + ".";
            w.tensor(p + "attn_norm.weight", GgmlType.F32, ones(DIM), DIM);
            matrix(w, r, type, p + "attn_q.weight", DIM, DIM);
            matrix(w, r, type, p + "attn_k.weight", kv, DIM);
            matrix(w, r, type, p + "attn_v.weight", kv, DIM);
            matrix(w, r, type, p + "attn_output.weight", DIM, DIM);
            w.tensor(p + "ffn_norm.weight", GgmlType.F32, ones(DIM), DIM);
            matrix(w, r, type, p + "ffn_gate.weight", FFN, DIM);
            matrix(w, r, type, p + "ffn_down.weight", DIM, FFN);
            matrix(w, r, type, p + "ffn_up.weight", FFN, DIM);
        }
        w.write(file);
    }

    private static void matrix(GgufWriter w, SplittableRandom r, GgmlType type, String name, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.02);
        w.tensor(name, type, v, rows, cols);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** Times n-token matmuls over every layer matrix, quantized and dequantized alternating, 1 thread. */
    static void matvec(Path file, int n) {
        try (LoadedModel q = ModelLoader.load(file, null); LoadedModel f = ModelLoader.load(file, null, new LoadOptions(true));
             Kernels k = KernelsFactory.byName("vector", 1)) {
            float[] x = new float[n * FFN], out = new float[n * VOCAB];
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
            for (int rep = 0; rep < 8; rep++) {
                for (LoadedModel m : new LoadedModel[]{q, f}) {
                    long t0 = System.nanoTime();
                    long weights = 0;
                    for (var l : m.weights().layers()) {
                        for (var w : new io.ringmem.tensor.Matrix[]{l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2(), l.w3()}) {
                            k.matmul(x, n, w, out);
                            weights += (long) w.rows() * w.cols();
                        }
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "%s n=%d: %.1f ms, %.2f Gweights/s, %.1f GFLOP/s%n", m == q ? "quantized" : "fp32",
                            n, s * 1e3, weights / s / 1e9, 2.0 * weights * n / s / 1e9);
                }
            }
        }
    }

    static void run(Path file, String mode, int prompt, int decode, int threads) {
        LoadOptions options = new LoadOptions(mode.equals("dequantized"));
        try (LoadedModel m = ModelLoader.load(file, null, options); Kernels k = KernelsFactory.byName("vector", threads)) {
            LlamaModel model = new LlamaModel(m.config(), m.weights(), k);
            int[] ids = new SplittableRandom(7).ints(prompt, 0, m.config().vocabSize()).toArray();
            Generator g = new Generator(model, RunConfig.of(1, ShardSchedule.ZIGZAG));
            g.generate(new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 4, new Sampler(0, 1, 1), id -> false, id -> true); // warm-up
            long[] marks = new long[2];
            long t0 = System.nanoTime();
            g.generate(ids, decode + 1, new Sampler(0, 1, 1), id -> false, id -> {
                if (marks[0] == 0) marks[0] = System.nanoTime(); // first token: prefill done
                marks[1] = System.nanoTime();
                return true;
            });
            double prefill = (marks[0] - t0) / 1e9, dec = (marks[1] - marks[0]) / 1e9;
            System.out.printf(Locale.ROOT, "%s prefill_s=%.3f decode_tok_s=%.2f%n", mode, prefill, decode / dec);
        }
    }
}

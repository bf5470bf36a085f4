package io.ringmem.cuda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.backend.BackendSettings;
import io.ringmem.forward.LlamaModel;
import io.ringmem.forward.RunConfig;
import io.ringmem.forward.SequenceParallelPrefill;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.ring.ShardSchedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device check's benchmark (entry point; run on a GPU machine by {@code scripts/device-check.sh}): GEMM on the
 * Llama-3-8B projection shapes, causal GQA attention (32 query heads, 8 KV heads, head dim 128) at 4K/16K/64K tokens,
 * and prefill tokens/s of an 8B-shaped random model (few layers, scaled to 32) with P = 1, 2, 4 ranks sharing the
 * GPU. Writes one JSON file. Attention lengths are skipped, with the reason, when the previous length's time says the
 * next would not fit the budget.
 *
 * <p>Usage: {@code GpuBench OUT.json [budgetSeconds]}.
 */
public final class GpuBench {
    private static final int[][] GEMM = {{4096, 4096, 4096}, {4096, 1024, 4096}, {4096, 14336, 4096}, {4096, 4096, 14336}};
    private static final int[] ATTN_TOKENS = {4096, 16384, 65536};

    private GpuBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: GpuBench OUT.json [budgetSeconds]");
            System.exit(2);
        }
        double budget = args.length > 1 ? Double.parseDouble(args[1]) : 180;
        long t0 = System.nanoTime();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        CudaProbe.Outcome probe = CudaProbe.probe();
        if (!probe.availability().available()) {
            System.err.println("GpuBench: no usable CUDA device: " + probe.availability().reason());
            System.exit(3);
        }
        root.put("device", probe.device().orElseThrow().describe());
        try (CudaContext ctx = new CudaContext(probe.device().orElseThrow(), PtxCatalog.bundled())) {
            CudaOps ops = new CudaOps(ctx);
            root.set("gemm", gemm(ctx, ops, json));
            ArrayNode attn = attention(ctx, ops, json, budget / 2);
            root.set("attention", attn);
            boolean fast = attn.size() > 1 && attn.get(1).has("ms") && attn.get(1).get("ms").asDouble() < 5000;
            root.set("pipeline", pipeline(ctx, ops, json, fast ? 16_384 : 4096));
        }
        root.set("prefill", prefill(json, budget - (System.nanoTime() - t0) / 1e9));
        json.writeValue(Path.of(args[0]).toFile(), root);
        System.out.println("GpuBench: wrote " + args[0] + " in " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
    }

    private static ArrayNode gemm(CudaContext ctx, CudaOps ops, ObjectMapper json) {
        ArrayNode out = json.createArrayNode();
        for (int[] s : GEMM) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean bf16 : new boolean[]{true, false}) {
                float ms = ctx.call(() -> {
                    try (DeviceBuffer a = DeviceBuffer.floats(ctx, (long) m * k); DeviceBuffer c = DeviceBuffer.floats(ctx, (long) m * n);
                         DeviceWeights w = new DeviceWeights(new DeviceBuffer(ctx, (long) n * k * (bf16 ? 2 : 4)), n, k, bf16)) {
                        a.zero();
                        w.data().zero();
                        ops.gemm(a, m, w, c, false); // warm-up, JIT
                        int iters = 10;
                        return ctx.elapsedMs(() -> {
                            for (int i = 0; i < iters; i++) ops.gemm(a, m, w, c, false);
                        }) / iters;
                    }
                });
                ObjectNode r = out.addObject();
                r.put("m", m).put("n", n).put("k", k).put("dtype", bf16 ? "bf16" : "fp32").put("ms", ms)
                        .put("tflops", 2.0 * m * n * k / (ms * 1e-3) / 1e12);
            }
        }
        return out;
    }

    private static ArrayNode attention(CudaContext ctx, CudaOps ops, ObjectMapper json, double budgetSeconds) {
        ArrayNode out = json.createArrayNode();
        AttentionShape s = AttentionShape.of(32, 8, 128);
        double spent = 0, last = 0;
        int lastN = 0;
        for (int n : ATTN_TOKENS) {
            double predicted = lastN == 0 ? 0 : last * Math.pow((double) n / lastN, 2) * 2; // warm-up + timed run
            ObjectNode r = out.addObject().put("tokens", n).put("heads", 32).put("kvHeads", 8).put("headDim", 128);
            if (spent + predicted > budgetSeconds) {
                r.put("skipped", "predicted " + Math.round(predicted) + " s exceeds the remaining budget");
                continue;
            }
            int[] pos = new int[n];
            for (int i = 0; i < n; i++) pos[i] = i;
            float ms = ctx.call(() -> {
                try (DeviceBuffer q = DeviceBuffer.floats(ctx, (long) n * 32 * 128);
                     DeviceBuffer k = DeviceBuffer.floats(ctx, (long) n * 8 * 128);
                     DeviceBuffer v = DeviceBuffer.floats(ctx, (long) n * 8 * 128); DeviceBuffer p = DeviceBuffer.of(ctx, pos, n);
                     DeviceBuffer o = DeviceBuffer.floats(ctx, (long) n * 32 * 128);
                     DeviceBuffer l = DeviceBuffer.floats(ctx, (long) n * 32)) {
                    q.zero();
                    k.zero();
                    v.zero();
                    ops.attention(s, q, p, n, k, v, p, n, true, o, l);
                    return ctx.elapsedMs(() -> ops.attention(s, q, p, n, k, v, p, n, true, o, l));
                }
            });
            double flops = 4.0 * n * (double) n / 2 * 32 * 128; // causal: half of QKᵀ and PV
            r.put("dtype", "fp32").put("causal", true).put("ms", ms).put("tflops", flops / (ms * 1e-3) / 1e12);
            last = ms / 1e3;
            lastN = n;
            spent += 2 * last;
        }
        return out;
    }

    /**
     * Ring overhead on one GPU: causal attention of all {@code n} queries over the KV split into P blocks that
     * arrive from the host through {@link KvRingPipeline} (copy stream, double buffers, device merge), vs P = 1
     * through the same path. Overhead = t(P) / t(1) - 1.
     */
    private static ArrayNode pipeline(CudaContext ctx, CudaOps ops, ObjectMapper json, int n) {
        ArrayNode out = json.createArrayNode();
        AttentionShape s = AttentionShape.of(32, 8, 128);
        int w = 8 * 128;
        float[] k = new float[n * w], v = new float[n * w];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) r.nextGaussian();
            v[i] = (float) r.nextGaussian();
        }
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = i;
        double base = 0;
        for (int p : new int[]{1, 2, 4}) {
            List<KvRingPipeline.HostBlock> blocks = new ArrayList<>();
            int b = n / p;
            for (int i = 0; i < p; i++) {
                blocks.add(new KvRingPipeline.HostBlock(Arrays.copyOfRange(k, i * b * w, (i + 1) * b * w),
                        Arrays.copyOfRange(v, i * b * w, (i + 1) * b * w), Arrays.copyOfRange(pos, i * b, (i + 1) * b), b));
            }
            float ms = ctx.call(() -> {
                try (KvRingPipeline pipe = new KvRingPipeline(ctx, s, b); DeviceBuffer q = DeviceBuffer.floats(ctx, (long) n * 32 * 128);
                     DeviceBuffer qp = DeviceBuffer.of(ctx, pos, n); DeviceBuffer o = DeviceBuffer.floats(ctx, (long) n * 32 * 128);
                     DeviceBuffer l = DeviceBuffer.floats(ctx, (long) n * 32)) {
                    q.zero();
                    pipe.run(q, qp, n, blocks, true, o, l); // warm-up
                    long t = System.nanoTime();
                    pipe.run(q, qp, n, blocks, true, o, l);
                    return (System.nanoTime() - t) / 1e6f;
                }
            });
            if (p == 1) base = ms;
            out.addObject().put("tokens", n).put("blocks", p).put("ms", ms).put("overhead", ms / base - 1);
        }
        return out;
    }

    private static ObjectNode prefill(ObjectMapper json, double budgetSeconds) {
        ObjectNode out = json.createObjectNode();
        int layers = 2, tokens = 4096;
        var model = RandomModel.llama8bShaped(layers, 32_000, 7);
        out.put("layers", layers).put("scaledTo", 32).put("tokens", tokens).put("vocab", 32_000);
        int[] ids = new SplittableRandom(1).ints(tokens, 0, 32_000).toArray();
        ArrayNode runs = out.putArray("runs");
        try (CudaBackend gpu = (CudaBackend) new CudaBackendProvider().create(new BackendSettings(4))) {
            LlamaModel m = new LlamaModel(model.config(), model.weights(), gpu);
            for (int p : List.of(1, 2, 4)) {
                long t = System.nanoTime();
                new SequenceParallelPrefill(m, RunConfig.of(p, ShardSchedule.ZIGZAG)).run(ids, i -> false, (a, b, c) -> { });
                double sec = (System.nanoTime() - t) / 1e9;
                runs.addObject().put("ranks", p).put("seconds", sec).put("tokensPerSecond", tokens / sec)
                        .put("tokensPerSecond32Layers", tokens / sec * layers / 32);
                if (sec * 2 > budgetSeconds) break;
            }
        }
        return out;
    }
}

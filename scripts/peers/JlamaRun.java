import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured workload on Jlama (com.github.tjake:jlama-core) for scripts/bench-peers.sh, run as a single-file
 * program: {@code java --add-modules jdk.incubator.vector -cp 'LIB/*' JlamaRun.java --model HF_DIR --workload
 * prefill|decode --tokens N [--decode M] [--weights f32|q4|i8]}. Prints one JSON line like the other harnesses.
 * One short warm-up (64 tokens) runs first, not timed. {@code --threads T} sizes Jlama's pool (default: all processors).
 */
public final class JlamaRun {
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) a.put(argv[i].substring(2), argv[i + 1]);
        String workload = a.getOrDefault("workload", "prefill");
        int tokens = Integer.parseInt(a.getOrDefault("tokens", "512"));
        int decode = Integer.parseInt(a.getOrDefault("decode", "64"));
        String weights = a.getOrDefault("weights", "f32");
        Optional<DType> modelQ = switch (weights) {
            case "f32" -> Optional.empty();
            case "q4" -> Optional.of(DType.Q4);
            case "i8" -> Optional.of(DType.I8);
            default -> throw new IllegalArgumentException("--weights f32|q4|i8, got " + weights);
        };
        File dir = new File(a.get("model"));
        int threads = Integer.parseInt(a.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        AbstractModel model = ModelSupport.loadModel(dir, dir, DType.F32, DType.I8, modelQ, Optional.of(threads));
        int vocab = model.getConfig().vocabularySize;
        int[] ids = new SplittableRandom(tokens).ints(tokens, 259, vocab).toArray();
        try (KvBufferCache cache = new KvBufferCache(model)) {
            var warm = cache.getKvBuffer(UUID.randomUUID());
            model.batchForward(Arrays.copyOf(ids, Math.min(64, tokens)), 0, warm).close();
            var kv = cache.getKvBuffer(UUID.randomUUID());
            double seconds;
            if (workload.equals("prefill")) {
                long t0 = System.nanoTime();
                model.batchForward(ids, 0, kv).close();
                seconds = (System.nanoTime() - t0) / 1e9;
            } else {
                model.batchForward(Arrays.copyOf(ids, tokens - 1), 0, kv).close();
                AbstractTensor logits = model.makeDenseTensor(vocab);
                int next = ids[tokens - 1];
                long t0 = System.nanoTime();
                for (int i = 0; i < decode; i++) {
                    AbstractTensor out = model.forward(next, tokens - 1 + i, kv, Optional.empty());
                    next = model.sample(out, 0f, 0f, logits);
                    out.close();
                }
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            long rss = m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
            System.out.printf(Locale.ROOT,
                    "{\"peer\":\"jlama\",\"workload\":\"%s\",\"tokens\":%d,\"decode\":%d,\"threads\":%d,\"seconds\":%.6f,"
                            + "\"rssBytes\":%d,\"weights\":\"%s\"}%n",
                    workload, tokens, workload.equals("prefill") ? 0 : decode, threads, seconds,
                    rss, weights);
        }
        System.exit(0);
    }
}

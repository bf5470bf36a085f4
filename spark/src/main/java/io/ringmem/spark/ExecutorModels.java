package io.ringmem.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-JVM model cache of the local and ring executions: each executor JVM loads a model (path, tokenizer, kernels,
 * threads) once, on its first task that needs it, and every later task of any job in that JVM reuses it. Loading is
 * done once even when tasks ask concurrently. Models stay mapped until the JVM exits (executors are the unit of
 * memory in Spark; the mappings end with the process, and closing them earlier could race running
 * tasks). Package-private: not part of the API.
 *
 * <p>Not guaranteed: that a model file changed on disk is reloaded (the key is the path, not the content).
 */
final class ExecutorModels {
    /** What identifies a loaded model in this JVM. */
    record Key(String model, String tokenizer, String kernels, int threads) {
    }

    private static final Map<Key, ExecutorModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, String> PATHS = new ConcurrentHashMap<>(); // cache root + hf: name → resolved path

    private ExecutorModels() {
    }

    /** The model of {@code spec} in this JVM, loaded on first use. */
    static ExecutorModel get(AnalysisSpec spec) {
        int threads = spec.threads() > 0 ? spec.threads() : Runtime.getRuntime().availableProcessors();
        String model = spec.model().startsWith("hf:") && spec.hub() != null
                ? PATHS.computeIfAbsent(spec.hub().cache() + "\n" + spec.model(), k -> spec.hub().resolve(spec.model()).toString())
                : spec.model();
        return MODELS.computeIfAbsent(new Key(model, spec.tokenizer(), spec.kernels(), threads), ExecutorModel::load);
    }

    /** How many models this JVM holds (for tests). */
    static int loaded() {
        return MODELS.size();
    }
}

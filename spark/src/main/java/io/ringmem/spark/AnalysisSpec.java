package io.ringmem.spark;

import io.ringmem.segment.SegmentConfig;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One analysis as the executors see it (serialized into every task): what to compute, with which model and settings.
 * Validated here, on the driver, so a bad setting fails the job before any task starts.
 *
 * @param task              score or embed
 * @param execution         local, service or ring
 * @param model             a model path on every executor, or {@code hf:ORG/NAME} (service: optional, the served model's name)
 * @param tokenizer         a tokenizer file for llama2.c checkpoints, or null
 * @param segment           the segment-mode settings (the CLI's and REST API's one record and defaults)
 * @param tokenNll          whether rows carry {@code nll}, the per-token NLL
 * @param maxDocumentTokens longer documents get a per-row error instead of being run
 * @param kernels           backend name for local and ring ({@code vector} or {@code scalar})
 * @param threads           kernel threads per model in an executor JVM; 0: the JVM's available processors
 * @param blockTokens       tokens per batched matmul
 * @param ringSize          P, the executors (barrier tasks) one document is spread over in the ring execution
 * @param service           the coordinator of the service execution, null otherwise
 * @param hub               where local and ring executions find {@code hf:} models; null when the model is a path
 */
public record AnalysisSpec(AnalysisTask task, Execution execution, String model, String tokenizer, SegmentConfig segment,
                           boolean tokenNll, int maxDocumentTokens, String kernels, int threads, int blockTokens, int ringSize,
                           ServiceSettings service, HubSettings hub) implements Serializable {
    public static final int DEFAULT_MAX_DOCUMENT_TOKENS = 4_000_000;
    public static final int DEFAULT_BLOCK_TOKENS = 256;

    public AnalysisSpec {
        if (task == null || execution == null) throw new IllegalArgumentException("task and execution must be set");
        if (segment == null) throw new IllegalArgumentException("segment settings must be set");
        if (execution != Execution.SERVICE && (model == null || model.isBlank())) {
            throw new IllegalArgumentException("the " + execution.name().toLowerCase(Locale.ROOT)
                    + " execution needs a model: .model(path) (a path every executor can read)");
        }
        if (model != null && model.startsWith("hf:") && execution != Execution.SERVICE && hub == null) {
            throw new IllegalArgumentException("model '" + model + "': hf: models in the local and ring executions need "
                    + ".hubCache(folder), the model cache every executor reads (the CLI's is ~/.cache/ringmem)");
        }
        if (maxDocumentTokens < 2) throw new IllegalArgumentException("maxDocumentTokens must be >= 2, got " + maxDocumentTokens);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (blockTokens < 1) throw new IllegalArgumentException("blockTokens must be >= 1, got " + blockTokens);
        if (ringSize < 1 || ringSize > 64) throw new IllegalArgumentException("ringSize must be in 1..64, got " + ringSize);
        if (execution == Execution.SERVICE && service == null) {
            throw new IllegalArgumentException("the service execution needs the coordinator URL: .serviceUrl(...)");
        }
        if (kernels == null || kernels.isBlank()) throw new IllegalArgumentException("kernels must be set (vector or scalar)");
    }

    /** The model's name as the coordinator reports it (the hub repository, or the path's last element). */
    String modelName() {
        if (model == null) return null;
        if (model.startsWith("hf:")) {
            String repo = model.substring(3);
            int at = repo.indexOf('@');
            return at < 0 ? repo : repo.substring(0, at);
        }
        Path p = Path.of(model).toAbsolutePath().normalize();
        return p.getFileName() == null ? model : p.getFileName().toString();
    }
}

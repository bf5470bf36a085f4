package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.forward.LlamaModel;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.LoadOptions;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The model a long-running process serves: a local path or {@code hf:ORG/NAME}, and how to run it. */
final class ServeModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH|hf:ORG/NAME",
            description = "a .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or hf:ORG/NAME[@REVISION]"
                    + " (downloaded to the cache on first use)")
    String model;

    @Option(names = "--tokenizer", paramLabel = "PATH", description = "tokenizer file for llama2.c checkpoints")
    Path tokenizer;

    @Option(names = "--kernels", defaultValue = "vector", paramLabel = "vector|scalar",
            description = "CPU kernels (default: ${DEFAULT-VALUE})")
    String kernels;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda|auto",
            description = "where the model runs: cpu (--kernels), cuda (fails unless a GPU passes the start-up self-test),"
                    + " auto (cuda when its self-test passes, else cpu; the choice is logged) (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--gpu-precision", defaultValue = "bf16", paramLabel = "bf16|fp32",
            description = "GPU weights: bf16 (tensor cores) or fp32 (default: ${DEFAULT-VALUE})")
    String gpuPrecision;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: available processors)")
    Integer threads;

    @Option(names = "--block-tokens", defaultValue = "256", paramLabel = "N",
            description = "tokens per batched matmul block (default: ${DEFAULT-VALUE})")
    int blockTokens;

    /** The name job requests use for this model: the file or folder name (or ORG/NAME for hub models). */
    String modelName() {
        return ModelSpec.name(model);
    }

    LoadedModel load(PrintWriter log) {
        return ModelSpec.load(model, tokenizer, LoadOptions.DEFAULT, log);
    }

    /** The backend the model runs on; the caller closes it. */
    Backend createBackend(int defaultThreads, PrintWriter log) {
        return ModelSpec.backend(device, kernels, gpuPrecision, threads, defaultThreads, log);
    }

    LlamaModel llama(LoadedModel m, Backend k) {
        if (blockTokens < 1) throw new RingmemException("--block-tokens must be at least 1, got " + blockTokens);
        return new LlamaModel(m.config(), m.weights(), k);
    }
}

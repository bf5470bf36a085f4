package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.forward.RunConfig;
import io.ringmem.kernel.QuantizedPrefill;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.LoadOptions;
import io.ringmem.ring.ShardSchedule;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/** Options shared by the commands that run a model: which model, how many ranks, which kernels. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH|hf:ORG/NAME",
            description = "a .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder (config.json + *.safetensors),"
                    + " or hf:ORG/NAME[@REVISION] (downloaded to the cache on first use)")
    String model;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "tokenizer file for llama2.c checkpoints (default: tokenizer.bin or tok*.bin beside the model)")
    Path tokenizer;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "P",
            description = "ranks of the ring; the sequence is split over them (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--schedule", defaultValue = "zigzag", paramLabel = "zigzag|contiguous",
            description = "how tokens are split over ranks (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--kernels", defaultValue = "vector", paramLabel = "vector|scalar",
            description = "CPU kernels: vector (Vector API, multi-threaded) or scalar (reference) (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--dequantize",
            description = "expand Q8_0/Q4_0 GGUF weights to fp32 at load instead of running on the quantized blocks"
                    + " (about 4-7x the weight memory; for comparisons)")
    boolean dequantize;

    @Option(names = "--quantized-prefill", defaultValue = "auto", paramLabel = "auto|unpack|int8",
            description = "prefill matmuls on quantized weights: unpack (weight panels to fp32), int8 (activations quantized"
                    + " to int8, integer dots; adds the activation rounding error) or auto (the one measured faster per"
                    + " format, see docs/benchmarks.md) (default: ${DEFAULT-VALUE})")
    String quantizedPrefill;

    @Option(names = "--block-tokens", defaultValue = "256", paramLabel = "N",
            description = "tokens per batched matmul block (default: ${DEFAULT-VALUE})")
    int blockTokens;

    RunConfig runConfig() {
        if (workers < 1) throw new RingmemException("--workers must be at least 1, got " + workers);
        if (blockTokens < 1) throw new RingmemException("--block-tokens must be at least 1, got " + blockTokens);
        return new RunConfig(workers, ShardSchedule.parse(schedule), blockTokens, Duration.ofMinutes(10));
    }

    /** The backend the model runs on; the caller closes it. */
    Backend createBackend(PrintWriter log) {
        QuantizedPrefill prefill;
        try {
            prefill = QuantizedPrefill.parse(quantizedPrefill);
        } catch (IllegalArgumentException e) {
            throw new RingmemException("--quantized-prefill must be auto, unpack or int8, got '" + quantizedPrefill + "'");
        }
        return ModelSpec.backend(device, kernels, gpuPrecision, threads, Runtime.getRuntime().availableProcessors(), prefill,
                log);
    }

    LoadedModel load(PrintWriter log) {
        return ModelSpec.load(model, tokenizer, new LoadOptions(dequantize), log);
    }
}

package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kernel.QuantizedPrefill;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.LoadOptions;
import io.ringmem.model.loader.ModelLoader;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A {@code --model} value: a local path, or {@code hf:ORG/NAME[@REVISION]} resolved through the hub cache; and the
 * loading and kernel choice every model-running command shares.
 */
final class ModelSpec {
    private ModelSpec() {
    }

    static boolean isHub(String spec) {
        return spec.startsWith("hf:");
    }

    static String name(String spec) {
        if (isHub(spec)) {
            String repo = spec.substring(3);
            int at = repo.indexOf('@');
            return at < 0 ? repo : repo.substring(0, at);
        }
        Path p = Path.of(spec).toAbsolutePath().normalize();
        return p.getFileName() == null ? spec : p.getFileName().toString();
    }

    static Path resolve(String spec, PrintWriter log) {
        if (isHub(spec)) return HubModels.resolve(spec, log);
        try {
            return Path.of(spec); // the loader reports a missing or unreadable file
        } catch (InvalidPathException e) {
            throw new RingmemException("--model: not a valid path: " + spec);
        }
    }

    /** Resolves and loads a model, logging its shape and load time. */
    static LoadedModel load(String spec, Path tokenizer, LoadOptions options, PrintWriter log) {
        Path path = resolve(spec, log);
        long t0 = System.nanoTime();
        LoadedModel m = ModelLoader.load(path, tokenizer, options);
        var c = m.config();
        log.printf("ringmem: loaded %s (%s): dim %d, %d layers, %d heads / %d kv heads, vocab %d, in %.2f s%n",
                spec, m.format(), c.dim(), c.layers(), c.heads(), c.kvHeads(), c.vocabSize(), (System.nanoTime() - t0) / 1e9);
        String quantized = WeightSummary.quantized(m.weights());
        if (!quantized.isEmpty()) log.printf("ringmem: weights kept quantized: %s%n", quantized);
        return m;
    }

    /**
     * The backend for {@code --device} (see {@link DeviceSelection}): on {@code cpu} the one named by
     * {@code --kernels} (a provider found through {@code ServiceLoader}: {@code vector}, {@code scalar}, ...), on
     * {@code cuda}/{@code auto} the CUDA backend after its self-test; with {@code --threads} or else
     * {@code defaultThreads} threads.
     */
    static Backend backend(String device, String kernels, String precision, Integer threads, int defaultThreads,
                           PrintWriter log) {
        return backend(device, kernels, precision, threads, defaultThreads, QuantizedPrefill.AUTO, log);
    }

    /** As above, with {@code --quantized-prefill} for the vector CPU kernels. */
    static Backend backend(String device, String kernels, String precision, Integer threads, int defaultThreads,
                           QuantizedPrefill prefill, PrintWriter log) {
        return DeviceSelection.select(Backends.discover(), device, kernels, precision,
                new BackendSettings(threads(threads, defaultThreads), prefill), log);
    }

    /** The op-level CPU kernels named by {@code --kernels}, for the benchmarks that time kernels, not blocks. */
    static Kernels kernels(String name, Integer threads, int defaultThreads) {
        int t = threads(threads, defaultThreads);
        try {
            return KernelsFactory.byName(name, t);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
    }

    private static int threads(Integer threads, int defaultThreads) {
        int t = threads == null ? defaultThreads : threads;
        if (t < 1) throw new RingmemException("--threads must be at least 1, got " + t);
        return t;
    }
}

package io.ringmem.kernel;

import java.util.List;
import java.util.Locale;

/**
 * Creates {@link Kernels} by name, for the command line and tests: {@code "scalar"} ({@link ScalarKernels},
 * single-threaded, the thread count is ignored) or {@code "vector"} ({@link VectorKernels} with the given thread
 * count). Names are case-insensitive. The caller owns the result and should close it.
 */
public final class KernelsFactory {
    /** The accepted names. */
    public static final List<String> NAMES = List.of("scalar", "vector");

    private KernelsFactory() {
    }

    /**
     * @param threads threads per call for multi-threaded kernels, the caller included; must be at least 1
     * @throws IllegalArgumentException for an unknown name or threads &lt; 1
     */
    public static Kernels byName(String name, int threads) {
        if (threads < 1) throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "scalar" -> new ScalarKernels();
            case "vector" -> new VectorKernels(threads);
            default -> throw new IllegalArgumentException("unknown kernels '" + name + "'; expected one of " + NAMES);
        };
    }
}

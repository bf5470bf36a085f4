package io.ringmem.kernel;

import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import io.ringmem.backend.cpu.CpuBackend;

/**
 * The op-level {@link Kernels} of a CPU backend, by name, for code that works on host arrays (tests, benchmarks):
 * {@code "scalar"} ({@link ScalarKernels}, single-threaded, the thread count is ignored) or {@code "vector"}
 * ({@link VectorKernels} with the given thread count). Names are case-insensitive and looked up among the
 * {@code BackendProvider}s found by {@link Backends#discover()}. The caller owns the result and should close it.
 *
 * <p>To run a model, select a whole {@link Backend} with {@link Backends#create} instead: a device backend works on
 * whole blocks and has no standalone kernels to return here.
 */
public final class KernelsFactory {

    private KernelsFactory() {
    }

    /**
     * @param threads threads per call for multi-threaded kernels, the caller included; must be at least 1
     * @throws IllegalArgumentException for an unknown or unavailable name (the message lists the available ones),
     *                                  a backend that is not a CPU backend, or threads &lt; 1
     */
    public static Kernels byName(String name, int threads) {
        Backend backend = Backends.discover().create(name, new BackendSettings(threads));
        if (backend instanceof CpuBackend cpu) return cpu.kernels(); // closing the kernels is closing the backend
        backend.close();
        throw new IllegalArgumentException("backend '" + backend.name() + "' has no standalone CPU kernels; "
                + "select it as a backend (Backends.create) to run a model on it");
    }
}

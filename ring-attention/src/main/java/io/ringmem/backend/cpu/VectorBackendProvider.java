package io.ringmem.backend.cpu;

import io.ringmem.backend.Availability;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendProvider;
import io.ringmem.backend.BackendSettings;
import io.ringmem.kernel.VectorKernels;

/**
 * {@code vector}: the Vector API kernels with {@link BackendSettings#threads()} threads per call. Unavailable when
 * the JVM was started without {@code --add-modules jdk.incubator.vector}.
 */
public final class VectorBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public Availability probe() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? Availability.yes()
                : Availability.no("the Vector API is missing: start the JVM with --add-modules jdk.incubator.vector");
    }

    @Override
    public Backend create(BackendSettings settings) {
        return CpuBackend.owning(new VectorKernels(settings.threads(), settings.quantizedPrefill()));
    }
}

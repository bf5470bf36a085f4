package io.ringmem.backend.cpu;

import io.ringmem.backend.Availability;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendProvider;
import io.ringmem.backend.BackendSettings;
import io.ringmem.kernel.ScalarKernels;

/** {@code scalar}: the reference kernels, single-threaded (the thread count is ignored); always available. */
public final class ScalarBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Availability probe() {
        return Availability.yes();
    }

    @Override
    public Backend create(BackendSettings settings) {
        return CpuBackend.owning(new ScalarKernels());
    }
}

package io.ringmem.backend.cpu;

import io.ringmem.backend.Backend;
import io.ringmem.backend.DeviceModel;
import io.ringmem.kernel.Kernels;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

/**
 * The block-level seam on the CPU, over any {@link Kernels}: weights are used in place (upload copies nothing),
 * activations are heap arrays, and every host crossing is free. What the {@code scalar} and {@code vector}
 * providers create. Thread-safe when the kernels are.
 */
public final class CpuBackend implements Backend {
    private final Kernels kernels;
    private final boolean ownsKernels;

    private CpuBackend(Kernels kernels, boolean ownsKernels) {
        this.kernels = kernels;
        this.ownsKernels = ownsKernels;
    }

    /** A backend that owns {@code kernels}: closing it closes them. */
    public static CpuBackend owning(Kernels kernels) {
        return new CpuBackend(kernels, true);
    }

    /** A backend over kernels the caller keeps owning: closing it leaves them open. */
    public static CpuBackend over(Kernels kernels) {
        return new CpuBackend(kernels, false);
    }

    @Override
    public String name() {
        return kernels.name();
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public DeviceModel upload(ModelConfig config, ModelWeights weights) {
        return new CpuDeviceModel(config, weights, kernels);
    }

    @Override
    public void close() {
        if (ownsKernels) kernels.close();
    }
}

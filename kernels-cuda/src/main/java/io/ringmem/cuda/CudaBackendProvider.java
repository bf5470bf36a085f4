package io.ringmem.cuda;

import io.ringmem.backend.Availability;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendProvider;
import io.ringmem.backend.BackendSettings;

/**
 * {@code cuda}: the CUDA backend with bf16 weights and tensor-core GEMMs. Available when {@link CudaProbe} finds
 * the JCuda natives, a driver, a device of compute capability 8.0 or newer and the PTX in this jar; otherwise the
 * probe says why, and nothing native is loaded by the constructor. Selecting it should go through the start-up
 * self-test ({@code --device cuda|auto}), never blindly.
 */
public class CudaBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "cuda";
    }

    /** Whether weights are uploaded in bf16 (else fp32). */
    protected boolean bf16() {
        return true;
    }

    @Override
    public Availability probe() {
        return CudaProbe.probe().availability();
    }

    @Override
    public Backend create(BackendSettings settings) {
        CudaProbe.Outcome o = CudaProbe.probe();
        if (!o.availability().available()) throw new IllegalStateException("cuda is not available: " + o.availability().reason());
        return new CudaBackend(name(), o.device().orElseThrow(), bf16(), settings.threads());
    }

    /** {@code cuda-fp32}: the same backend with fp32 weights and the CUDA-core GEMM (the precise mode). */
    public static final class Fp32 extends CudaBackendProvider {
        @Override
        public String name() {
            return "cuda-fp32";
        }

        @Override
        protected boolean bf16() {
            return false;
        }
    }
}

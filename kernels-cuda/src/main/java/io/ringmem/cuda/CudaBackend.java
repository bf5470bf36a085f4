package io.ringmem.cuda;

import io.ringmem.backend.Backend;
import io.ringmem.backend.DeviceModel;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

import java.util.ArrayList;
import java.util.List;

/**
 * The CUDA backend on device 0: one {@link CudaContext} (context, streams, PTX modules), the models uploaded to it,
 * and CPU kernels for the op-level host work that stays off the block path. Weights go up as bf16 (tensor-core GEMM)
 * or fp32 (CUDA-core GEMM, the precise mode). Thread-safe; {@link #close()} frees every resident model and the
 * context.
 */
public final class CudaBackend implements Backend {
    private final String name;
    private final CudaContext ctx;
    private final boolean bf16;
    private final Kernels host;
    private final List<CudaDeviceModel> models = new ArrayList<>();

    CudaBackend(String name, DeviceInfo info, boolean bf16, int threads) {
        this.name = name;
        this.bf16 = bf16;
        this.ctx = new CudaContext(info, PtxCatalog.bundled());
        this.host = hostKernels(threads);
    }

    private static Kernels hostKernels(int threads) {
        try {
            return KernelsFactory.byName("vector", threads);
        } catch (IllegalArgumentException e) {
            return new ScalarKernels();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + " (" + (bf16 ? "bf16" : "fp32") + " weights) on " + ctx.info().describe();
    }

    /** The device this backend runs on. */
    public DeviceInfo device() {
        return ctx.info();
    }

    @Override
    public Kernels kernels() {
        return host;
    }

    @Override
    public DeviceModel upload(ModelConfig config, ModelWeights weights) {
        CudaDeviceModel m = new CudaDeviceModel(ctx, config, weights, bf16);
        synchronized (models) {
            models.add(m);
        }
        return m;
    }

    /** Device bytes allocated now (weights and live handles). */
    public long allocatedBytes() {
        return ctx.allocatedBytes();
    }

    @Override
    public void close() {
        synchronized (models) {
            for (CudaDeviceModel m : models) m.close();
            models.clear();
        }
        ctx.close();
        host.close();
    }
}

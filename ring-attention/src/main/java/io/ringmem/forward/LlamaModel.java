package io.ringmem.forward;

import io.ringmem.backend.Backend;
import io.ringmem.backend.DeviceModel;
import io.ringmem.backend.cpu.CpuBackend;
import io.ringmem.kernel.AttentionShape;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RopeTable;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

/**
 * A Llama-family decoder bound to a compute backend: the weights uploaded once into the backend
 * ({@link Backend#upload}) and the host-side pieces a forward pass needs (RoPE table, attention shape), shared by
 * sequence-parallel prefill ({@link SequenceParallelPrefill}), decoding ({@link Decoder}) and memory tokens
 * ({@link MemoryPass}). Immutable and thread-safe. It owns neither the weights nor the backend: the resident model
 * lives until the backend is closed, and the weights must stay loaded until then.
 */
public final class LlamaModel {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Backend backend;
    private final DeviceModel device;
    private final RopeTable rope;
    private final AttentionShape attentionShape;

    /** A model on the CPU backend over {@code kernels}, which the caller keeps owning. */
    public LlamaModel(ModelConfig config, ModelWeights weights, Kernels kernels) {
        this(config, weights, CpuBackend.over(kernels));
    }

    /** A model on {@code backend}; uploads the weights into it once, here. */
    public LlamaModel(ModelConfig config, ModelWeights weights, Backend backend) {
        weights.validate(config);
        this.config = config;
        this.weights = weights;
        this.backend = backend;
        this.device = backend.upload(config, weights);
        this.rope = new RopeTable(config);
        this.attentionShape = AttentionShape.of(config.heads(), config.kvHeads(), config.headDim());
    }

    public ModelConfig config() {
        return config;
    }

    /** The host copy of the weights (the embedding table is read on the host). */
    public ModelWeights weights() {
        return weights;
    }

    public Backend backend() {
        return backend;
    }

    /** The backend's op-level host kernels, for host-side work off the block path. */
    public Kernels kernels() {
        return backend.kernels();
    }

    /** The weights resident in the backend: the block-level seam the forward pass runs on. */
    DeviceModel device() {
        return device;
    }

    /** The model's rotary frequencies (for re-rotating stored keys: segment positions policies). */
    public RopeTable rope() {
        return rope;
    }

    AttentionShape attentionShape() {
        return attentionShape;
    }

    LogitsHead head(int blockTokens) {
        return new LogitsHead(config, device, blockTokens);
    }
}

package io.ringmem.backend;

import io.ringmem.kernel.Kernels;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.ModelWeights;

/**
 * A compute backend: where the transformer blocks of a forward pass run. Created by a {@link BackendProvider}; the
 * forward pass uses it through the {@link DeviceModel} that {@link #upload} returns.
 *
 * <p>Two levels: {@link #upload} gives the block-level seam (projections, attention, feed-forward, logits over
 * activations the backend owns), which is what a device needs to keep activations resident; {@link #kernels()}
 * gives op-level primitives over host arrays for the host-side work that stays off the block path (retrieval over
 * stored blocks, benchmarks, tests).
 *
 * <p>Thread-safe. {@link #close()} releases every resident model and handle it created; none may be used afterwards.
 * Not guaranteed: that two uploads of the same weights share memory (a backend may cache by identity, or not), or
 * that results are bitwise equal to another backend's (they agree within fp32 rounding).
 */
public interface Backend extends AutoCloseable {

    /** The provider's name, e.g. {@code "vector"}, for logs. */
    String name();

    /** What it runs on, for logs: the name, plus the device for a device backend (e.g. "cuda on NVIDIA H200 ..."). */
    default String describe() {
        return name();
    }

    /** Op-level kernels over host arrays, owned by this backend (valid until it is closed; do not close them). */
    Kernels kernels();

    /**
     * The hook that puts a model's weights where the backend computes: called once per model (a
     * {@code LlamaModel}), it returns the backend's resident copy. A device backend copies the weights to device
     * memory here, and nowhere else; the CPU backends use the weights in place. The weights must stay valid (the
     * model file mapped) until the resident model is closed.
     *
     * @throws IllegalArgumentException when the weights do not fit {@code config}
     */
    DeviceModel upload(ModelConfig config, ModelWeights weights);

    /** Releases the backend's threads, device context and resident models. */
    @Override
    void close();
}

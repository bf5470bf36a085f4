package io.ringmem.backend;

/**
 * An opaque handle to one layer's projections of n tokens, owned by the backend: q {@code (n, heads, headDim)},
 * k and v {@code (n, kvHeads, headDim)}, q and k already rotated (unless projected without angles). Made by
 * {@link DeviceModel#project}; its queries are the query side of {@link DeviceModel#attendOwn} and
 * {@link DeviceModel#attend}.
 *
 * <p>The {@code ...ToHost} methods are explicit crossings to the host: the ring sends keys and values to the next
 * rank, the KV cache keeps them, and retrieval scores stored blocks with the queries. Each returns an array the
 * caller may keep after the handle is closed but must not modify (the CPU backends return their own buffer
 * without copying; a device backend copies once and may cache the copy). Lifetime and threading as for
 * {@link Activations}.
 */
public interface Projection extends AutoCloseable {

    /** Tokens n. */
    int tokens();

    /** (n, heads, headDim) the queries, on the host. */
    float[] queriesToHost();

    /** (n, kvHeads, headDim) the keys, on the host. */
    float[] keysToHost();

    /** (n, kvHeads, headDim) the values, on the host. */
    float[] valuesToHost();

    /** Releases the buffers; arrays already returned to the host stay valid. */
    @Override
    void close();
}

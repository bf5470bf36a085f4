package io.ringmem.backend.cpu;

/**
 * One sequence's reusable work arrays for {@link CpuBlock}: the per-block buffers of a layer's projection and
 * feed-forward, and the queries of the previous layer once nobody holds them any more. A prefill allocates them
 * at its first layer and reuses them for every later one, so the garbage per layer is the layer's keys and values
 * (which the KV cache keeps) and the kernels' own scratch, not a fresh (n, heads·headDim) query array and
 * {@code blockTokens}-row buffers each time. That keeps the JVM's young generation from promoting a layer's worth of
 * dead arrays into the old generation on every layer (measured in docs/benchmarks.md, "Peak RSS").
 *
 * <p>Contents are undefined on return: every user overwrites the rows it reads. Thread-confined, like the
 * {@link CpuActivations} that owns it.
 */
final class CpuScratch {
    private float[] queries = new float[0];
    private final float[][] buffers = new float[Slot.values().length][0];

    /** The block buffers a layer uses, each sized by the caller. */
    enum Slot { X, Q_BLOCK, K_BLOCK, V_BLOCK, ATTN, Y, GATE, UP }

    /** A buffer of at least {@code length} floats for {@code slot}; grown (never shrunk) when too small. */
    float[] buffer(Slot slot, int length) {
        float[] b = buffers[slot.ordinal()];
        if (b.length < length) {
            b = new float[length];
            buffers[slot.ordinal()] = b;
        }
        return b;
    }

    /** An array of exactly {@code length} floats for a layer's queries: the one given back last, when it fits. */
    float[] takeQueries(int length) {
        float[] q = queries.length == length ? queries : new float[length];
        queries = new float[0];
        return q;
    }

    /** Offers queries no one else holds for reuse by the next layer. */
    void giveBackQueries(float[] q) {
        queries = q;
    }
}

package io.ringmem.backend;

import io.ringmem.kernel.RotaryAngles;

/**
 * One sequence's single-token forward pass on a backend, for decoding: the same computation as
 * {@link DeviceModel#load}, {@link DeviceModel#project}, {@link DeviceModel#attend}, {@link DeviceModel#finish} and
 * {@link DeviceModel#logits} with {@code n = 1}, but over buffers the step owns and reuses, so a backend that
 * implements it natively ({@link DeviceModel#tokenStep}) allocates nothing per token. The CPU backends give
 * bitwise the results of the block-level calls.
 *
 * <p>Use per layer: {@link #project}, then {@link #keys()}/{@link #values()} (the new token's k, v, to append to
 * the cache) and one or more {@link #attend} (partials merged by the caller), then {@link #finish}; after the last
 * layer {@link #logits}. Thread-confined: one thread, one token at a time. Arrays returned by {@link #keys()} and
 * {@link #values()} are the step's own buffers: valid until the next {@link #project}, not to be modified.
 */
public interface TokenStep extends AutoCloseable {

    /** Sets the hidden state to {@code row} (dim), copied (crossing host → backend). */
    void load(float[] row);

    /** q, k, v of rmsnorm(h) for layer {@code layer}, q and k rotated with {@code angles} (one token). */
    void project(int layer, RotaryAngles angles);

    /** (kvHeads · headDim) the new token's rotated key from the last {@link #project}, on the host. */
    float[] keys();

    /** (kvHeads · headDim) the new token's value from the last {@link #project}, on the host. */
    float[] values();

    /**
     * Attention of the projected query over a host KV block; as {@link DeviceModel#attend} with one query.
     *
     * @param qPos (1) the token's position
     * @param out  (heads, headDim) written
     * @param lse  (heads) written
     */
    void attend(int[] qPos, float[] k, float[] v, int[] kPos, int nk, boolean causal, float[] out, float[] lse);

    /** The rest of layer {@code layer} on the hidden state; {@code attn} (heads · headDim) the merged output. */
    void finish(int layer, float[] attn);

    /** (vocab) logits of the hidden state: final RMSNorm and output projection, written to {@code out}. */
    void logits(float[] out);

    /** Releases the step's buffers (device memory on a GPU; nothing on the CPU). */
    @Override
    default void close() {
    }
}

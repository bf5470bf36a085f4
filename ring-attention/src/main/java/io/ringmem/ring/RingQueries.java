package io.ringmem.ring;

/**
 * The query side of one rank's {@link RingAttention}: the rank's queries for one layer, wherever they live (host
 * arrays, or a backend's resident projection), attended over one KV block at a time. Every call writes a partial
 * {@code (out, lse)} on the host, where the ring merges the partials exactly.
 *
 * <p>Used by one rank's thread only, for the duration of one {@link RingAttention#attend} call.
 */
public interface RingQueries {

    /**
     * Attention over the rank's own block, the one it sends around the ring. An implementation whose queries sit
     * on a device may use the keys and values it already holds there instead of {@code local}'s host arrays.
     *
     * @param out (nq, heads, headDim) written
     * @param lse (nq, heads) written; rows that see no key get -∞
     */
    void attendLocal(KvBlock local, boolean causal, float[] out, float[] lse);

    /** Attention over a block received from another rank; as {@link #attendLocal}. */
    void attend(KvBlock block, boolean causal, float[] out, float[] lse);
}

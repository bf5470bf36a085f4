package io.ringmem.forward;

import io.ringmem.ring.KvBlock;

import java.util.List;

/**
 * Keys and values beyond the ring's own that a rank's queries also attend to: the carried context of a segment
 * (attention sinks, the previous segment's last window, retrieved compressed blocks). Every returned block's
 * positions must precede the segment's, so the causal mask admits all of it.
 *
 * <p>Called from each rank's thread, once per layer, after the rank's queries are computed; implementations must
 * be thread-safe. Different ranks may get different blocks (retrieval by the rank's own queries).
 */
@FunctionalInterface
public interface ExtraContext {
    ExtraContext NONE = (rank, layer, q, qPos, nq) -> List.of();

    /**
     * @param q    (nq, heads, headDim) the rank's rotated queries at this layer
     * @param qPos (nq) their global positions
     */
    List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq);
}

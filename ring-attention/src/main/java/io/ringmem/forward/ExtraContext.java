package io.ringmem.forward;

import io.ringmem.ring.KvBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values beyond the ring's own that a rank's queries also attend to: the carried context of a segment
 * (attention sinks, the previous segment's last window, retrieved compressed blocks). Every returned block's
 * positions must precede the segment's, so the causal mask admits all of it.
 *
 * <p>Called from each rank's thread, once per layer, after the rank's queries are computed; implementations must
 * be thread-safe. A block may be meant for only some of the rank's queries ({@link #partsFor}: retrieval per
 * query chunk), so what a query attends to does not depend on which other queries share its rank.
 */
@FunctionalInterface
public interface ExtraContext {
    ExtraContext NONE = (rank, layer, q, qPos, nq) -> List.of();

    /** Mask position that hides a query from a part's block: below every key position. */
    int HIDDEN = Integer.MIN_VALUE;

    /**
     * One block of the extra context and the queries that see it.
     *
     * @param block        the keys and values
     * @param maskPositions (nq) the position each query is masked with against this block: its own position to see
     *                      the block (causally), {@link #HIDDEN} not to see it at all (its partial is then empty and
     *                      merging it changes nothing); null means every query, at its own position
     */
    record Part(KvBlock block, int[] maskPositions) {
    }

    /**
     * Blocks every one of the given queries attends to.
     *
     * @param q    (nq, heads, headDim) the rank's rotated queries at this layer (rotary positions
     *             {@code qPos - rotaryOffset()})
     * @param qPos (nq) their global positions
     */
    List<KvBlock> blocksFor(int rank, int layer, float[] q, int[] qPos, int nq);

    /**
     * How far the rotary positions of the segment's tokens sit below their global positions: a token at global
     * position p is rotated for position {@code p - rotaryOffset()} (masks and logits keep global positions). 0 (the
     * default) rotates every token at its document position; a positions policy that keeps distances inside the
     * trained context returns the shift it laid the segment out with, and gives its blocks keys rotated to match.
     */
    default int rotaryOffset() {
        return 0;
    }

    /** The rank's extra context at this layer, block by block with the queries that see each; by default every block for every query. */
    default List<Part> partsFor(int rank, int layer, float[] q, int[] qPos, int nq) {
        List<KvBlock> blocks = blocksFor(rank, layer, q, qPos, nq);
        List<Part> out = new ArrayList<>(blocks.size());
        for (KvBlock b : blocks) out.add(new Part(b, null));
        return out;
    }

    /**
     * Whether {@link #partsFor} at {@code layer} gives each query the keys it would get whatever other queries are
     * passed with it (the choice and masks of a query depend only on its own query and position). When true, a
     * forward pass may call {@link #partsFor} with only the queries whose outputs it needs (the scored positions in
     * the last layer) and get the same parts for them. False by default (a chunk-shared choice is not).
     */
    default boolean rowsIndependent(int layer) {
        return false;
    }
}

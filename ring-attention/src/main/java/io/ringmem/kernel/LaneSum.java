package io.ringmem.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sum of a float vector in a fixed order: a butterfly of lane swaps (distance L/2, …, 2, 1), then lane
 * 0. {@code reduceLanes(ADD)} leaves the order unspecified, and it does differ between the JIT's intrinsic and the
 * interpreter's fallback, so results would change by an ulp once a method gets compiled. With this, the vector
 * kernels give bitwise identical results on every call, in every thread. Supports 4 to 16 lanes.
 */
final class LaneSum {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorShuffle<Float> SWAP1 = swap(1), SWAP2 = swap(2), SWAP4 = swap(4), SWAP8 = swap(8);

    private LaneSum() {
    }

    /** Swaps lanes at distance d; null where d is not below the lane count (never used then). */
    private static VectorShuffle<Float> swap(int d) {
        return d < L ? VectorShuffle.fromOp(S, lane -> lane ^ d) : null;
    }

    static float sum(FloatVector v) {
        if (L >= 16) v = v.add(v.rearrange(SWAP8));
        if (L >= 8) v = v.add(v.rearrange(SWAP4));
        v = v.add(v.rearrange(SWAP2));
        v = v.add(v.rearrange(SWAP1));
        return v.lane(0);
    }
}

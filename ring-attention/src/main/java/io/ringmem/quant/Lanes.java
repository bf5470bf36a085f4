package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector helpers shared by the block formats: 16 int8 lanes widened to float lanes, in {@link #PARTS} parts of
 * {@link #L} floats (one part with 512-bit vectors, two with AVX2, four with 128-bit NEON/SSE).
 */
final class Lanes {
    /** The float species: the preferred one, capped at 16 lanes so that 16 bytes fill at least one vector. */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() <= 16
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_512;
    static final int L = F.length();
    static final int PARTS = 16 / L;
    /** 16 int8 lanes. */
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Lane swaps at distance 1, 2, 4, 8 for {@link #sum} (null where the distance is not below the lane count). */
    static final VectorShuffle<Float> SWAP1 = swap(1), SWAP2 = swap(2), SWAP4 = swap(4), SWAP8 = swap(8);

    private Lanes() {
    }

    /** The fp16 value at byte p, as a float. */
    static float half(MemorySegment src, long p) {
        return Float.float16ToFloat(src.get(SHORT_LE, p));
    }

    /** Lanes of Σ_{j<16} q_j · x[xo + j] (no horizontal sum). */
    static FloatVector dot16(ByteVector q, float[] x, int xo) {
        FloatVector s = ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(FloatVector.fromArray(F, x, xo));
        for (int part = 1; part < PARTS; part++) {
            s = ((FloatVector) q.convertShape(VectorOperators.B2F, F, part)).fma(FloatVector.fromArray(F, x, xo + part * L), s);
        }
        return s;
    }

    /** dst[o + j] = d · q_j for j &lt; 16 (one rounding per value: the same floats as the scalar d·q). */
    static void store16(ByteVector q, FloatVector d, float[] dst, int o) {
        for (int part = 0; part < PARTS; part++) {
            ((FloatVector) q.convertShape(VectorOperators.B2F, F, part)).mul(d).intoArray(dst, o + part * L);
        }
    }

    /** Sum of the lanes in a fixed order (a butterfly of lane swaps), so results do not depend on the JIT. */
    static float sum(FloatVector v) {
        if (L >= 16) v = v.add(v.rearrange(SWAP8));
        if (L >= 8) v = v.add(v.rearrange(SWAP4));
        v = v.add(v.rearrange(SWAP2));
        v = v.add(v.rearrange(SWAP1));
        return v.lane(0);
    }

    /** Swaps lanes at distance d; null where d is not below the lane count (never used then). */
    private static VectorShuffle<Float> swap(int d) {
        return d < L ? VectorShuffle.fromOp(F, lane -> lane ^ d) : null;
    }

    /** C's {@code roundf}: halves away from zero. */
    static int roundAway(float x) {
        return (int) (x < 0 ? -Math.floor(-x + 0.5f) : Math.floor(x + 0.5f));
    }
}

package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The Vector API species the fused K-quant dots use: fp32 vectors of {@link #L} lanes ({@link Lanes#F}: the preferred species, capped
 * at 16 lanes so one vector never straddles a 16-value Q6_K sub-block), and byte vectors of {@link #BL} =
 * max(L, 8) lanes, each widened into {@link #PARTS} = BL / L float vectors.
 */
final class KVectors {
    static final VectorSpecies<Float> S = Lanes.F;
    static final int L = S.length();
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    static final int BL = BS.length();
    static final int PARTS = BL / L;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private KVectors() {
    }

    /** BL bytes at {@code off}. */
    static ByteVector bytes(MemorySegment s, long off) {
        return ByteVector.fromMemorySegment(BS, s, off, LE);
    }

    /** Lanes [part·L, (part + 1)·L) of {@code b}, as signed bytes widened to floats. */
    static FloatVector floats(ByteVector b, int part) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, S, part);
    }

    /**
     * {@code b} shifted right by {@code n} as 32-bit lanes (one instruction; x86 has no byte shifts): each byte gets
     * the low bits of its neighbour in its top {@code n} bits, so callers mask the result.
     */
    static ByteVector shr(ByteVector b, int n) {
        return b.reinterpretAsInts().lanewise(VectorOperators.LSHR, n).reinterpretAsBytes();
    }

    /** {@code b} shifted left by {@code n} as 32-bit lanes; callers mask the result (see {@link #shr}). */
    static ByteVector shl(ByteVector b, int n) {
        return b.reinterpretAsInts().lanewise(VectorOperators.LSHL, n).reinterpretAsBytes();
    }

    /** The high nibble of each byte of {@code b}, as 0..15. */
    static ByteVector highNibbles(ByteVector b) {
        return shr(b, 4).and((byte) 0x0F);
    }

    /** Lanes of {@code b} with bit {@code k} (0..7) moved to bit 4 and every other bit cleared. */
    static ByteVector bitTo4(ByteVector b, int k) {
        return (k <= 4 ? shl(b, 4 - k) : shr(b, k - 4)).and((byte) 0x10);
    }
}

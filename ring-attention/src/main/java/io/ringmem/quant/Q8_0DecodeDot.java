package io.ringmem.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.ringmem.quant.Lanes.F;
import static io.ringmem.quant.Lanes.L;
import static io.ringmem.quant.Lanes.PARTS;

/**
 * Decode's Q8_0 matrix-vector kernel: four weight rows per pass over one activation vector, so each x vector is
 * loaded once for four rows and four independent block streams are in flight. Per row and block, the 32 int8
 * weights are widened to float lanes and multiplied with x, and the block's lane sums are added into the row's
 * accumulator scaled by the block's fp16 {@code d} — the arithmetic of {@link Q8_0Format#dot}, except that each
 * block's products form one chain before scaling (fp32 summation order differs, results are not bit-identical).
 * Stateless and thread-safe.
 */
final class Q8_0DecodeDot {
    private Q8_0DecodeDot() {
    }

    /**
     * out[o + k·stride] = Σ_i w(k)_i · x[xOff + i] for the four rows k = 0..3 whose blocks start at
     * {@code off + k·rowBytes}; each row has {@code blocks} blocks.
     */
    static void rows4(MemorySegment s, long off, long rowBytes, int blocks, float[] x, int xOff, float[] out, int o,
                      int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long p0 = off, p1 = off + rowBytes, p2 = p1 + rowBytes, p3 = p2 + rowBytes;
        for (int b = 0; b < blocks; b++, p0 += Q8_0Format.BYTES, p1 += Q8_0Format.BYTES, p2 += Q8_0Format.BYTES,
                p3 += Q8_0Format.BYTES) {
            int xo = xOff + b * Q8_0Format.BLOCK;
            // the block's lane sums per row, one chain each: the first 16 weights, then the second 16
            FloatVector xv = FloatVector.fromArray(F, x, xo);
            ByteVector w0 = ByteVector.fromMemorySegment(Lanes.B, s, p0 + 2, Lanes.LE);
            ByteVector w1 = ByteVector.fromMemorySegment(Lanes.B, s, p1 + 2, Lanes.LE);
            ByteVector w2 = ByteVector.fromMemorySegment(Lanes.B, s, p2 + 2, Lanes.LE);
            ByteVector w3 = ByteVector.fromMemorySegment(Lanes.B, s, p3 + 2, Lanes.LE);
            FloatVector s0 = widen(w0, 0).mul(xv), s1 = widen(w1, 0).mul(xv);
            FloatVector s2 = widen(w2, 0).mul(xv), s3 = widen(w3, 0).mul(xv);
            for (int part = 1; part < 2 * PARTS; part++) {
                if (part == PARTS) {
                    w0 = ByteVector.fromMemorySegment(Lanes.B, s, p0 + 18, Lanes.LE);
                    w1 = ByteVector.fromMemorySegment(Lanes.B, s, p1 + 18, Lanes.LE);
                    w2 = ByteVector.fromMemorySegment(Lanes.B, s, p2 + 18, Lanes.LE);
                    w3 = ByteVector.fromMemorySegment(Lanes.B, s, p3 + 18, Lanes.LE);
                }
                int k = part % PARTS;
                xv = FloatVector.fromArray(F, x, xo + part * L);
                s0 = widen(w0, k).fma(xv, s0);
                s1 = widen(w1, k).fma(xv, s1);
                s2 = widen(w2, k).fma(xv, s2);
                s3 = widen(w3, k).fma(xv, s3);
            }
            a0 = s0.fma(FloatVector.broadcast(F, Lanes.half(s, p0)), a0);
            a1 = s1.fma(FloatVector.broadcast(F, Lanes.half(s, p1)), a1);
            a2 = s2.fma(FloatVector.broadcast(F, Lanes.half(s, p2)), a2);
            a3 = s3.fma(FloatVector.broadcast(F, Lanes.half(s, p3)), a3);
        }
        // Lanes.sum's butterfly written out: in this large method C2 does not inline a call to it (the callee is
        // already compiled big), and a call boxes its vector argument (measured: 72 bytes allocated per row)
        if (L >= 16) {
            a0 = a0.add(a0.rearrange(Lanes.SWAP8));
            a1 = a1.add(a1.rearrange(Lanes.SWAP8));
            a2 = a2.add(a2.rearrange(Lanes.SWAP8));
            a3 = a3.add(a3.rearrange(Lanes.SWAP8));
        }
        if (L >= 8) {
            a0 = a0.add(a0.rearrange(Lanes.SWAP4));
            a1 = a1.add(a1.rearrange(Lanes.SWAP4));
            a2 = a2.add(a2.rearrange(Lanes.SWAP4));
            a3 = a3.add(a3.rearrange(Lanes.SWAP4));
        }
        a0 = a0.add(a0.rearrange(Lanes.SWAP2));
        a1 = a1.add(a1.rearrange(Lanes.SWAP2));
        a2 = a2.add(a2.rearrange(Lanes.SWAP2));
        a3 = a3.add(a3.rearrange(Lanes.SWAP2));
        out[o] = a0.add(a0.rearrange(Lanes.SWAP1)).lane(0);
        out[o + stride] = a1.add(a1.rearrange(Lanes.SWAP1)).lane(0);
        out[o + 2 * stride] = a2.add(a2.rearrange(Lanes.SWAP1)).lane(0);
        out[o + 3 * stride] = a3.add(a3.rearrange(Lanes.SWAP1)).lane(0);
    }

    private static FloatVector widen(ByteVector q, int part) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, F, part);
    }
}

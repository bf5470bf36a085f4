package io.ringmem.segment;

import io.ringmem.forward.LlamaModel;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.RopeTable;
import io.ringmem.ring.KvBlock;

import java.util.Arrays;

/**
 * Moves rotated keys (or queries) to other rotary positions. RoPE rotates each pair of a head by
 * {@code position · invFreq[i]}, and rotations compose by adding angles, so a key rotated for position p becomes the
 * key rotated for position p + Δ by one more rotation by Δ: exact in real arithmetic, here up to fp32 rounding of the
 * extra rotation (its angle is computed in double, cos/sin rounded to float). Rotating by -Δ after +Δ gives the
 * original back to a few ulps ({@code KeyRotationTest}). Stateless apart from the model; thread-safe.
 */
final class KeyRotation {
    private final RopeTable rope;
    private final Kernels kernels;

    KeyRotation(LlamaModel model) {
        this.rope = model.rope();
        this.kernels = model.kernels();
    }

    /**
     * A copy of {@code x} (n, heads, headDim) with token t rotated by {@code deltas[t]} more positions.
     */
    float[] rotated(float[] x, int n, int heads, int[] deltas) {
        float[] out = x.clone();
        if (n > 0) kernels.rope(out, n, heads, rope.angles(deltas, n));
        return out;
    }

    /** A copy of {@code x} (n, heads, headDim) with every token rotated by {@code delta} more positions. */
    float[] rotated(float[] x, int n, int heads, int delta) {
        if (delta == 0) return x.clone();
        int[] d = new int[n];
        Arrays.fill(d, delta);
        return rotated(x, n, heads, d);
    }

    /** The block with key t rotated by {@code deltas[t]} more positions (positions, the mask, unchanged). */
    KvBlock withKeysRotated(KvBlock b, int kvHeads, int[] deltas) {
        return new KvBlock(b.layer(), b.sourceRank(), b.positions(), rotated(b.k(), b.tokens(), kvHeads, deltas), b.v());
    }

    /** The block with every key rotated by {@code delta} more positions (positions, the mask, unchanged). */
    KvBlock shifted(KvBlock b, int kvHeads, int delta) {
        if (delta == 0) return b;
        return new KvBlock(b.layer(), b.sourceRank(), b.positions(), rotated(b.k(), b.tokens(), kvHeads, delta), b.v());
    }
}

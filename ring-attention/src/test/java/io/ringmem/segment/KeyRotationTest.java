package io.ringmem.segment;

import io.ringmem.forward.LlamaModel;
import io.ringmem.kernel.Kernels;
import io.ringmem.kernel.KernelsFactory;
import io.ringmem.kernel.RopeTable;
import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.RopeScaling;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Re-rotation is exact up to fp32 rounding: rotating a key stored for position p by Δ gives the key rotated for p + Δ
 * directly, and rotating by -Δ after +Δ gives the stored key back. Tolerance: 2e-6 × the vector's largest magnitude
 * per element (a few ulps of two fp32 rotations; angles in double), at positions up to 10M and both RoPE layouts, with
 * and without Llama-3 frequency scaling.
 */
class KeyRotationTest {
    private static final int N = 64, HEADS = 2;

    private static ModelConfig config(RopeLayout layout, RopeScaling scaling) {
        return new ModelConfig(32, 64, 1, 4, HEADS, 16, 64, 8192, 1e-5f, 500000.0, layout, scaling);
    }

    @Test
    void deRotationIsExactUpToRounding() {
        RopeScaling llama3 = new RopeScaling(8.0, 1.0, 4.0, 8192);
        for (ModelConfig c : new ModelConfig[]{config(RopeLayout.ROTATE_HALF, null), config(RopeLayout.ADJACENT_PAIRS, null),
                config(RopeLayout.ROTATE_HALF, llama3)}) {
            try (Kernels kernels = KernelsFactory.byName("scalar", 1)) {
                KeyRotation rotation = new KeyRotation(new LlamaModel(c, WindowPositionsTest.randomWeights(c, new Random(1)), kernels));
                RopeTable rope = new RopeTable(c);
                Random rnd = new Random(7);
                float[] raw = new float[N * HEADS * c.headDim()];
                for (int i = 0; i < raw.length; i++) raw[i] = 2 * rnd.nextFloat() - 1;
                int[] stored = new int[N], target = new int[N], deltas = new int[N], back = new int[N];
                for (int t = 0; t < N; t++) {
                    stored[t] = rnd.nextInt(10_000_000);
                    target[t] = rnd.nextInt(8192);
                    deltas[t] = target[t] - stored[t];
                    back[t] = -deltas[t];
                }
                float[] atStored = raw.clone(), atTarget = raw.clone();
                kernels.rope(atStored, N, HEADS, rope.angles(stored, N));
                kernels.rope(atTarget, N, HEADS, rope.angles(target, N));
                float[] moved = rotation.rotated(atStored, N, HEADS, deltas);
                float[] restored = rotation.rotated(moved, N, HEADS, back);
                double worstMove = 0, worstBack = 0;
                for (int i = 0; i < raw.length; i++) {
                    worstMove = Math.max(worstMove, Math.abs(moved[i] - atTarget[i]));
                    worstBack = Math.max(worstBack, Math.abs(restored[i] - atStored[i]));
                }
                // |x| <= sqrt(2) per rotated element pair component
                assertTrue(worstMove < 2e-6 * Math.sqrt(2), c.ropeLayout() + " move error " + worstMove);
                assertTrue(worstBack < 2e-6 * Math.sqrt(2), c.ropeLayout() + " round-trip error " + worstBack);
                float[] same = rotation.rotated(atStored, N, HEADS, 0);
                for (int i = 0; i < raw.length; i++) assertEquals(atStored[i], same[i], 0f, "a zero shift is the identity");
            }
        }
    }
}

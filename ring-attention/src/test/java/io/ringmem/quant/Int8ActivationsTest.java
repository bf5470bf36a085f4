package io.ringmem.quant;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Int8 activation blocks against their definition on seeded Gaussian rows: d = max|x| / 127 per block, levels in
 * [−127, 127], |x − d·q| ≤ d/2 · (1 + 1e-6), the block's largest magnitude hits ±127, per-16 sums equal the sum
 * of the levels, an all-zero block is all zeros.
 */
class Int8ActivationsTest {
    @Test
    void blocksMatchTheirDefinition() {
        for (int block : new int[]{Int8Activations.SMALL_BLOCK, Int8Activations.K_BLOCK}) {
            int rows = 3, cols = 512;
            float[] x = new float[5 + rows * cols];
            SplittableRandom rnd = new SplittableRandom(block);
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 3);
            for (int i = 0; i < block; i++) x[5 + cols + i] = 0; // row 1, block 0 all zero
            Int8Activations a = new Int8Activations(rows, cols, block);
            a.quantizeRows(x, 5, 0, rows);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols; b += block) {
                    float amax = 0;
                    int maxLevel = 0;
                    for (int i = b; i < b + block; i++) amax = Math.max(amax, Math.abs(x[5 + r * cols + i]));
                    assertEquals(amax / 127f, a.scale(r, b), 0f);
                    for (int i = b; i < b + block; i++) {
                        int q = a.level(r, i);
                        assertTrue(q >= -127 && q <= 127, "level " + q);
                        maxLevel = Math.max(maxLevel, Math.abs(q));
                        float err = Math.abs(x[5 + r * cols + i] - a.value(r, i));
                        assertTrue(err <= a.scale(r, b) / 2 * (1 + 1e-6), "err " + err + " at " + r + "," + i);
                    }
                    assertEquals(amax == 0 ? 0 : 127, maxLevel, "row " + r + " block " + b);
                }
                for (int c = 0; c < cols; c += 16) {
                    int sum = 0;
                    for (int i = c; i < c + 16; i++) sum += a.level(r, i);
                    assertEquals(sum, a.sum16(r, c));
                }
            }
        }
    }

    @Test
    void blockSizeFollowsTheWeightFormat() {
        assertEquals(32, Int8Activations.blockFor(new Q8_0Format()));
        assertEquals(32, Int8Activations.blockFor(new Q4_0Format()));
        assertEquals(256, Int8Activations.blockFor(new Q4KFormat()));
        assertEquals(256, Int8Activations.blockFor(new Q6KFormat()));
    }

    @Test
    void rejectsShapesThatAreNotWholeBlocks() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Int8Activations(2, 100, 32));
        assertEquals("activations (2, 100) are not whole blocks of 32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Int8Activations(2, 256, 64));
    }
}

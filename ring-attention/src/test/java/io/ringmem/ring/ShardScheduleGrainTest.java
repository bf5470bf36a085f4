package io.ringmem.ring;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shards cut only at multiples of a grain: every position once, units whole, balance within a unit. */
class ShardScheduleGrainTest {

    @Test
    void unitsAreNeverSplitAndEveryPositionIsHeldOnce() {
        for (ShardSchedule s : ShardSchedule.values()) {
            for (int n : new int[]{64, 100, 128, 2048, 2047, 1000}) {
                for (int grain : new int[]{1, 16, 64}) {
                    for (int p = 1; p <= 5; p++) {
                        if ((n + grain - 1) / grain < p) continue;
                        int[] owner = new int[n];
                        Arrays.fill(owner, -1);
                        int min = Integer.MAX_VALUE, max = 0;
                        for (int r = 0; r < p; r++) {
                            int[] pos = s.positions(r, p, n, grain);
                            assertTrue(pos.length > 0, s + " n=" + n + " grain=" + grain + " P=" + p + " rank " + r + " empty");
                            for (int i = 1; i < pos.length; i++) assertTrue(pos[i] > pos[i - 1], "ascending");
                            for (int q : pos) {
                                assertEquals(-1, owner[q], "position " + q + " held twice");
                                owner[q] = r;
                            }
                            min = Math.min(min, pos.length);
                            max = Math.max(max, pos.length);
                        }
                        for (int q = 0; q < n; q++) {
                            assertTrue(owner[q] >= 0, "position " + q + " not held");
                            assertEquals(owner[q - q % grain], owner[q], "unit of " + q + " split");
                        }
                        assertTrue(max - min <= 2 * grain, "balance " + min + ".." + max);
                    }
                }
            }
        }
    }

    @Test
    void grainOneAndTooFewUnitsCutAnywhere() {
        assertArrayEquals(ShardSchedule.ZIGZAG.positions(1, 3, 100), ShardSchedule.ZIGZAG.positions(1, 3, 100, 1));
        assertArrayEquals(ShardSchedule.ZIGZAG.positions(1, 3, 100), ShardSchedule.ZIGZAG.positions(1, 3, 100, 64));
    }
}

package io.ringmem.forward;

import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ScoredRows}: the context sees only the scored rows' queries, and its masks come back widened to the shard. */
class ScoredRowsTest {
    @Test
    void asksForTheScoredRowsOnlyAndWidensTheirMasks() {
        int[] pos = {10, 11, 14, 15, 20};
        int w = 2;
        float[] q = new float[pos.length * w];
        for (int i = 0; i < q.length; i++) q[i] = i;
        List<float[]> seenQ = new ArrayList<>();
        List<int[]> seenPos = new ArrayList<>();
        KvBlock block = new KvBlock(0, -1, new int[]{1}, new float[w], new float[w]);
        ExtraContext extra = new ExtraContext() {
            @Override
            public List<KvBlock> blocksFor(int rank, int layer, float[] qs, int[] qPos, int nq) {
                throw new AssertionError("not used");
            }

            @Override
            public List<Part> partsFor(int rank, int layer, float[] qs, int[] qPos, int nq) {
                seenQ.add(Arrays.copyOf(qs, nq * w));
                seenPos.add(Arrays.copyOf(qPos, nq));
                int[] mask = new int[nq];
                Arrays.fill(mask, HIDDEN);
                mask[nq - 1] = qPos[nq - 1]; // only the last scored row sees the block
                return List.of(new Part(block, null), new Part(block, mask));
            }
        };
        ScoredRows rows = ScoredRows.of(pos, pos.length, Set.of(11, 20)::contains);
        assertTrue(rows.prunes());
        List<ExtraContext.Part> parts = rows.partsFor(extra, 0, 1, q, pos, w);
        assertArrayEquals(new float[]{2, 3, 8, 9}, seenQ.getFirst());
        assertArrayEquals(new int[]{11, 20}, seenPos.getFirst());
        assertEquals(2, parts.size());
        assertNull(parts.get(0).maskPositions());
        int h = ExtraContext.HIDDEN;
        assertArrayEquals(new int[]{h, h, h, h, 20}, parts.get(1).maskPositions());
        assertFalse(ScoredRows.of(pos, pos.length, p -> true).prunes());
    }
}

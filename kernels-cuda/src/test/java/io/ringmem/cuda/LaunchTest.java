package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch geometry of every kernel family: tiles cover ragged shapes exactly once, limits are enforced. */
class LaunchTest {

    @Test
    void gemmTilesCoverRaggedShapes() {
        Launch g = Launch.gemmTensorCore(4097, 14336, 4096); // a prefill block of one token over a multiple
        assertEquals(14336 / 128, g.gridX());
        assertEquals(33, g.gridY());
        assertEquals(256, g.blockX());
        Launch f = Launch.gemmF32(1, 65, 7);
        assertEquals(2, f.gridX());
        assertEquals(1, f.gridY());
    }

    @Test
    void attentionHasOneBlockPerSixteenRowsAndHead() {
        Launch a = Launch.attention(65_536, 32);
        assertEquals(4096, a.gridX());
        assertEquals(32, a.gridY());
        assertEquals(128, a.blockX());
        assertEquals(1, Launch.attention(1, 8).gridX());
        assertEquals(2, Launch.attention(17, 8).gridX());
    }

    @Test
    void rowAndElementKernels() {
        assertEquals(3, Launch.warpPerRow(9).gridX()); // 4 rows per 128-thread block
        assertEquals(1000, Launch.blockPerRow(1000).gridX());
        assertEquals(4, Launch.elementwise(1000).gridX());
        assertTrue(Launch.elementwise(1000).threads() >= 1000);
        assertEquals(8_388_608, Launch.elementwise(1L << 31).gridX()); // int overflow of count·threads is avoided
    }

    @Test
    void rejectsWhatTheDeviceWould() {
        assertThrows(IllegalArgumentException.class, () -> Launch.attention(16, 70_000)); // grid.y > 65535
        assertThrows(IllegalArgumentException.class, () -> Launch.gemmTensorCore(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Launch.gemmF32(70_000, 70_000, 8)); // C beyond 2^31 elements
        assertThrows(IllegalArgumentException.class, () -> Launch.elementwise(0));
        assertThrows(IllegalArgumentException.class, () -> Launch.elementwise(Long.MAX_VALUE / 2));
        assertThrows(IllegalArgumentException.class, () -> new Launch(1, 1, 1, 2048, 1, 1, 0));
    }

    @Test
    void attentionKernelByHeadDim() {
        assertEquals("flash_attn_fwd_d64", AttentionKernel.forHeadDim(64).function());
        assertEquals("flash_attn_fwd_d128", AttentionKernel.forHeadDim(128).function());
        for (int d : new int[]{8, 16, 32}) {
            AttentionKernel k = AttentionKernel.forHeadDim(d);
            assertEquals("flash_attn_fwd_small", k.function());
            assertTrue(k.headDimArg());
        }
        assertFalse(AttentionKernel.supports(96));
        var e = assertThrows(IllegalArgumentException.class, () -> AttentionKernel.forHeadDim(80));
        assertTrue(e.getMessage().contains("64 and 128"), e.getMessage());
    }
}

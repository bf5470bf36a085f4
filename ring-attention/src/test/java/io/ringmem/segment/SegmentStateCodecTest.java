package io.ringmem.segment;

import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;
import io.ringmem.ring.KvBlock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SegmentStateCodecTest {
    private static float[] floats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static KvBlock block(Random r, int layer, int first, int n, int width) {
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = first + i;
        return new KvBlock(layer, -1, pos, floats(r, n * width), floats(r, n * width));
    }

    private static SegmentState sample(boolean memory) {
        Random r = new Random(7);
        int layers = 3, kvHeads = 2, headDim = 4, width = kvHeads * headDim;
        KvBlock[] sinks = new KvBlock[layers], window = new KvBlock[layers];
        List<List<BlockSummary>> sums = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            sinks[l] = block(r, l, 0, 4, width);
            window[l] = block(r, l, 100 + l, l, width); // layer 0: an empty window
            sums.add(List.of(new BlockSummary(BlockIds.of(0, 0), kvHeads, headDim, floats(r, width)),
                    new BlockSummary(BlockIds.of(1, 3), kvHeads, headDim, floats(r, 3 * width)))); // 3 representative keys
        }
        return new SegmentState(2, 256, sinks, window, sums, memory ? floats(r, 6) : null);
    }

    @Test
    void roundTripIsExact() {
        for (boolean memory : new boolean[]{false, true}) {
            SegmentState s = sample(memory);
            SegmentState back = SegmentStateCodec.decode(SegmentStateCodec.encode(s));
            assertEquals(s.segmentsDone(), back.segmentsDone());
            assertEquals(s.nextPosition(), back.nextPosition());
            for (int l = 0; l < s.layers(); l++) {
                for (KvBlock[] pair : new KvBlock[][]{{s.sinks()[l], back.sinks()[l]}, {s.window()[l], back.window()[l]}}) {
                    assertArrayEquals(pair[0].positions(), pair[1].positions());
                    assertArrayEquals(pair[0].k(), pair[1].k());
                    assertArrayEquals(pair[0].v(), pair[1].v());
                    assertEquals(l, pair[1].layer());
                }
                for (int i = 0; i < 2; i++) {
                    BlockSummary a = s.summaries().get(l).get(i), b = back.summaries().get(l).get(i);
                    assertEquals(a.blockId(), b.blockId());
                    assertEquals(i == 0 ? 1 : 3, b.reps());
                    assertArrayEquals(a.meanKeys(), b.meanKeys());
                }
            }
            List<List<BlockSummary>> apart = SegmentStateCodec.decodeSummaries(SegmentStateCodec.encodeSummaries(s.summaries()));
            for (int l = 0; l < s.layers(); l++) {
                for (int i = 0; i < 2; i++) {
                    assertEquals(s.summaries().get(l).get(i).reps(), apart.get(l).get(i).reps());
                    assertArrayEquals(s.summaries().get(l).get(i).meanKeys(), apart.get(l).get(i).meanKeys());
                }
            }
            if (memory) assertArrayEquals(s.memory(), back.memory());
            else assertNull(back.memory());
        }
    }

    @Test
    void initialStateRoundTrips() {
        SegmentState back = SegmentStateCodec.decode(SegmentStateCodec.encode(SegmentState.initial(4, null)));
        assertEquals(0, back.segmentsDone());
        assertNull(back.sinks()[3]);
        assertEquals(4, back.summaries().size());
    }

    @Test
    void damagedBytesFailWithAClearMessage() {
        byte[] good = SegmentStateCodec.encode(sample(true));
        byte[] truncated = Arrays.copyOf(good, good.length - 5);
        RingmemException e = assertThrows(RingmemException.class, () -> SegmentStateCodec.decode(truncated));
        assertEquals(true, e.getMessage().startsWith("damaged segment state"), e.getMessage());
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertThrows(RingmemException.class, () -> SegmentStateCodec.decode(magic));
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertThrows(RingmemException.class, () -> SegmentStateCodec.decode(longer));
        byte[] hugeCount = good.clone();
        hugeCount[16] = (byte) 0xFF; hugeCount[17] = (byte) 0xFF; hugeCount[18] = (byte) 0xFF; hugeCount[19] = 0x7F; // layers
        assertThrows(RingmemException.class, () -> SegmentStateCodec.decode(hugeCount));
    }
}

package io.ringmem.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.ring.KvBlock;
import io.ringmem.segment.BlockIds;
import io.ringmem.segment.SegmentState;
import io.ringmem.segment.SegmentStateCodec;
import io.ringmem.store.crypto.ClusterSecret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * States through a real Hazelcast member with a cluster secret (values sealed): summaries stored once per segment,
 * reassembled exactly, never stale; a moved value is refused; deleting a document leaves none of its entries.
 */
class HazelcastDocumentStatesTest {
    private static final int LAYERS = 2, KV_HEADS = 2, HEAD_DIM = 4;
    private static HazelcastInstance member;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClusterOptions c = ClusterOptions.local(List.of("127.0.0.1:" + port), port)
                .withSecret(ClusterSecret.of("states test secret 0123456789abcdef"));
        member = Hazelcast.newHazelcastInstance(c.memberConfig("states-test-" + port, Map.of(), new ConcurrentHashMap<>()));
    }

    @AfterAll
    static void stop() {
        member.shutdown();
    }

    /** The state after {@code segments} segments of a made-up document: 3 blocks per segment and layer. */
    private static SegmentState state(int segments, long seed) {
        Random r = new Random(seed);
        KvBlock[] sinks = new KvBlock[LAYERS], window = new KvBlock[LAYERS];
        List<List<BlockSummary>> sums = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            sinks[l] = block(r, l, 0, 2);
            window[l] = block(r, l, 100 * segments - 4, 4);
            List<BlockSummary> layer = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                for (int b = 0; b < 3; b++) {
                    layer.add(new BlockSummary(BlockIds.of(s, b), KV_HEADS, HEAD_DIM,
                            floats(new Random(seed * 1000 + s * 10 + b + l * 7), KV_HEADS * HEAD_DIM)));
                }
            }
            sums.add(layer);
        }
        return new SegmentState(segments, 100 * segments, sinks, window, sums, floats(r, 6));
    }

    private static KvBlock block(Random r, int layer, int first, int n) {
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) pos[i] = first + i;
        return new KvBlock(layer, -1, pos, floats(r, n * KV_HEADS * HEAD_DIM), floats(r, n * KV_HEADS * HEAD_DIM));
    }

    private static float[] floats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static void assertSameState(SegmentState want, SegmentState got) {
        assertArrayEquals(SegmentStateCodec.encode(want), SegmentStateCodec.encode(got), "states differ");
    }

    @Test
    void summariesAreStoredPerSegmentAndReassembledExactly() {
        HazelcastDocumentStates states = new HazelcastDocumentStates(member);
        for (int s = 1; s <= 4; s++) states.putState("doc-a", state(s, 1));
        assertSameState(state(4, 1), states.latest("doc-a").orElseThrow());
        assertSameState(state(4, 1), states.state("doc-a", 4).orElseThrow());
        assertSameState(state(3, 1), states.state("doc-a", 3).orElseThrow());
        assertTrue(states.state("doc-a", 2).isEmpty(), "states older than the previous one are dropped");

        HazelcastDocumentStates fresh = new HazelcastDocumentStates(member, new SummaryCache(SummaryCache.DEFAULT_MAX_BYTES));
        assertSameState(state(4, 1), fresh.latest("doc-a").orElseThrow()); // every segment's summaries fetched

        IMap<String, byte[]> raw = member.getMap(ClusterNames.STATES);
        int stored = raw.get(ClusterNames.latestStateKey("doc-a")).length;
        int full = SegmentStateCodec.encode(state(4, 1)).length;
        assertTrue(stored < full - 4 * 3 * LAYERS * KV_HEADS * HEAD_DIM * 4,
                "the stored state must not carry the summaries: " + stored + " vs " + full);
    }

    @Test
    void aDocumentProcessedAgainIsNeverServedStaleSummaries() {
        HazelcastDocumentStates states = new HazelcastDocumentStates(member);
        states.putState("doc-b", state(1, 2));
        states.putState("doc-b", state(2, 2));
        assertSameState(state(2, 2), states.latest("doc-b").orElseThrow());
        states.putState("doc-b", state(1, 3)); // processed again, different content
        HazelcastDocumentStates other = new HazelcastDocumentStates(member, new SummaryCache(SummaryCache.DEFAULT_MAX_BYTES));
        other.state("doc-b", 1).orElseThrow(); // warms the other process's cache with the new content
        assertSameState(state(1, 3), states.state("doc-b", 1).orElseThrow());
        assertSameState(state(1, 3), states.latest("doc-b").orElseThrow());
    }

    @Test
    void missingSummariesFailWithTheDocumentNamed() {
        HazelcastDocumentStates states = new HazelcastDocumentStates(member, new SummaryCache(0)); // no cache
        states.putState("doc-c", state(1, 4));
        states.putState("doc-c", state(2, 4));
        member.<String, byte[]>getMap(ClusterNames.STATES).delete("doc-c#summaries#0");
        RingmemException e = assertThrows(RingmemException.class, () -> states.latest("doc-c"));
        assertTrue(e.getMessage().contains("segment 0 of 'doc-c'"), e.getMessage());
    }

    @Test
    void deleteDocumentRemovesItsStatesSummariesAndShardsOnly() {
        HazelcastDocumentStates states = new HazelcastDocumentStates(member);
        for (int s = 1; s <= 3; s++) states.putState("doc-d", state(s, 5));
        states.putState("doc-d2", state(1, 6)); // a document whose id starts like the other's
        states.putShard(ShardKey.session("job-x", "doc-d", 3, 1), 0, new byte[] {1});
        states.putShard(ShardKey.session("job-x", "doc-d2", 0, 1), 0, new byte[] {2});
        int removed = states.deleteDocument("doc-d");
        // states after 2 and 3 segments, latest, summaries of segments 0..2, one shard
        assertEquals(2 + 1 + 3 + 1, removed);
        assertTrue(states.latest("doc-d").isEmpty());
        for (String k : member.<String, byte[]>getMap(ClusterNames.STATES).keySet()) {
            assertFalse(HazelcastDocumentStates.ownsStateKey("doc-d", k), "left behind: " + k);
        }
        assertSameState(state(1, 6), states.latest("doc-d2").orElseThrow());
        assertTrue(states.shard(ShardKey.session("job-x", "doc-d2", 0, 1), 0).isPresent());
        assertEquals("doc-d", HazelcastDocumentStates.shardDocument("job-x/doc-d/3/1#0"));
        assertEquals(null, HazelcastDocumentStates.shardDocument("nonsense"));
    }

    @Test
    void aMovedOrTamperedStateIsRefused() {
        HazelcastDocumentStates states = new HazelcastDocumentStates(member);
        states.putState("doc-e", state(1, 7));
        states.putState("doc-f", state(1, 8));
        IMap<String, byte[]> raw = member.getMap(ClusterNames.STATES);
        raw.set(ClusterNames.latestStateKey("doc-f"), raw.get(ClusterNames.latestStateKey("doc-e")));
        RingmemException e = assertThrows(RingmemException.class, () -> states.latest("doc-f"));
        assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
    }

    /** Ring session ids as {@code ShardTask} names them. */
    private static final class ShardKey {
        static String session(String job, String doc, int segment, int session) {
            return io.ringmem.protocol.ShardTask.ringSession(job, doc, segment, session);
        }
    }

    @Test
    void cacheIsBoundedByBytes() {
        SummaryCache cache = new SummaryCache(100);
        List<List<BlockSummary>> none = List.of(List.of());
        cache.put("d", 0, 1, none, 60);
        cache.put("d", 1, 2, none, 60);
        assertEquals(1, cache.size());
        assertEquals(null, cache.get("d", 0, 1));
        assertEquals(none, cache.get("d", 1, 2));
        assertEquals(null, cache.get("d", 1, 3), "another digest is another entry");
        cache.put("d", 2, 3, none, 1000);
        assertEquals(null, cache.get("d", 2, 3), "an entry over the bound is not kept");
    }
}

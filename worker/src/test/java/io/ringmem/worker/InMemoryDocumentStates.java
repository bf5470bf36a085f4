package io.ringmem.worker;

import io.ringmem.cluster.DocumentStates;
import io.ringmem.segment.SegmentState;
import io.ringmem.segment.SegmentStateCodec;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link DocumentStates} in a map, for tests; states go through the codec like in the cluster. */
final class InMemoryDocumentStates implements DocumentStates {
    private final ConcurrentHashMap<String, byte[]> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, byte[]> shards = new ConcurrentHashMap<>();

    @Override
    public Optional<SegmentState> state(String documentId, int segmentsDone) {
        return Optional.ofNullable(states.get(documentId + "#" + segmentsDone)).map(SegmentStateCodec::decode);
    }

    @Override
    public Optional<SegmentState> latest(String documentId) {
        return Optional.ofNullable(states.get(documentId + "#latest")).map(SegmentStateCodec::decode);
    }

    @Override
    public long putState(String documentId, SegmentState state) {
        byte[] b = SegmentStateCodec.encode(state);
        states.put(documentId + "#" + state.segmentsDone(), b);
        states.put(documentId + "#latest", b);
        return b.length;
    }

    @Override
    public void putShard(String sessionId, int rank, byte[] kv) {
        shards.put(sessionId + "#" + rank, kv);
    }

    @Override
    public Optional<byte[]> shard(String sessionId, int rank) {
        return Optional.ofNullable(shards.get(sessionId + "#" + rank));
    }

    @Override
    public void deleteShards(String sessionId, int ranks) {
        for (int r = 0; r < ranks; r++) shards.remove(sessionId + "#" + r);
    }

    @Override
    public int deleteDocument(String documentId) {
        int before = states.size() + shards.size();
        states.keySet().removeIf(k -> k.startsWith(documentId + "#"));
        shards.keySet().removeIf(k -> k.contains("/" + documentId + "/"));
        return before - states.size() - shards.size();
    }

    int shardCount() {
        return shards.size();
    }
}

package io.ringmem.worker;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.segment.SegmentState;
import io.ringmem.segment.SegmentStateCodec;

import java.util.Optional;

/**
 * {@link DocumentStates} on two Hazelcast maps ({@link ClusterNames#STATES}, {@link ClusterNames#SHARDS}) of
 * encoded bytes, so members never need the state classes to hold them. Backups follow the maps' configuration
 * (one synchronous backup by default).
 */
public final class HazelcastDocumentStates implements DocumentStates {
    private final IMap<String, byte[]> states;
    private final IMap<String, byte[]> shards;

    public HazelcastDocumentStates(HazelcastInstance hz) {
        this.states = hz.getMap(ClusterNames.STATES);
        this.shards = hz.getMap(ClusterNames.SHARDS);
    }

    @Override
    public Optional<SegmentState> state(String documentId, int segmentsDone) {
        return Optional.ofNullable(states.get(ClusterNames.stateKey(documentId, segmentsDone))).map(SegmentStateCodec::decode);
    }

    @Override
    public Optional<SegmentState> latest(String documentId) {
        return Optional.ofNullable(states.get(ClusterNames.latestStateKey(documentId))).map(SegmentStateCodec::decode);
    }

    @Override
    public boolean hasState(String documentId) {
        return states.containsKey(ClusterNames.latestStateKey(documentId));
    }

    @Override
    public long putState(String documentId, SegmentState state) {
        byte[] bytes = SegmentStateCodec.encode(state);
        states.set(ClusterNames.stateKey(documentId, state.segmentsDone()), bytes);
        states.set(ClusterNames.latestStateKey(documentId), bytes);
        if (state.segmentsDone() >= 2) states.delete(ClusterNames.stateKey(documentId, state.segmentsDone() - 2));
        return bytes.length;
    }

    @Override
    public void putShard(String sessionId, int rank, byte[] kv) {
        shards.set(ClusterNames.shardKey(sessionId, rank), kv);
    }

    @Override
    public Optional<byte[]> shard(String sessionId, int rank) {
        return Optional.ofNullable(shards.get(ClusterNames.shardKey(sessionId, rank)));
    }

    @Override
    public void deleteShards(String sessionId, int ranks) {
        for (int r = 0; r < ranks; r++) shards.delete(ClusterNames.shardKey(sessionId, r));
    }
}

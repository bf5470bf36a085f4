package io.ringmem.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringmem.RingmemException;
import io.ringmem.kv.BlockSummary;
import io.ringmem.protocol.ClusterNames;
import io.ringmem.segment.SegmentState;
import io.ringmem.segment.SegmentStateCodec;
import io.ringmem.store.crypto.StoreCipher;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * {@link DocumentStates} on two Hazelcast maps ({@link ClusterNames#STATES}, {@link ClusterNames#SHARDS}) of
 * encoded bytes, so members never need the state classes to hold them. Every value is sealed by the cluster's cipher
 * ({@link TaskCodec#of}: AES-GCM under the cluster secret, bound to map and key), so a value forged, tampered with or
 * copied to another document is refused, never decoded. Backups and TTL follow the maps' configuration (one
 * synchronous backup, {@link Retention#documents} and {@link Retention#shards}).
 *
 * <p>Block summaries grow with the document while the rest of a state does not, so they are stored once per
 * segment ({@code documentId#summaries#k}, written when segment k is finalized and never changed afterwards) and the
 * stored state carries only their CRC32C digests. Reading a state reassembles the summaries from
 * {@link SummaryCache} (entries keyed by digest, so a document id processed again is never served stale ones),
 * fetching only the segments this process has not seen: a worker reads each segment's summaries once per
 * document instead of the whole history every segment.
 */
public final class HazelcastDocumentStates implements DocumentStates {
    private static final int MAGIC = 0x52_4D_44_53; // "RMDS": digests, then the state without summaries

    private final IMap<String, byte[]> states;
    private final IMap<String, byte[]> shards;
    private final SummaryCache cache;
    private final StoreCipher cipher;

    public HazelcastDocumentStates(HazelcastInstance hz) {
        this(hz, new SummaryCache(SummaryCache.DEFAULT_MAX_BYTES));
    }

    public HazelcastDocumentStates(HazelcastInstance hz, SummaryCache cache) {
        this.states = hz.getMap(ClusterNames.STATES);
        this.shards = hz.getMap(ClusterNames.SHARDS);
        this.cache = cache;
        this.cipher = TaskCodec.of(hz).cipher();
    }

    private byte[] getState(String key) {
        byte[] sealed = states.get(key);
        return sealed == null ? null : cipher.open(ClusterNames.STATES, key, sealed);
    }

    private void setState(String key, byte[] value) {
        states.set(key, cipher.seal(ClusterNames.STATES, key, value));
    }

    @Override
    public Optional<SegmentState> state(String documentId, int segmentsDone) {
        return Optional.ofNullable(getState(ClusterNames.stateKey(documentId, segmentsDone))).map(b -> decode(documentId, b));
    }

    @Override
    public Optional<SegmentState> latest(String documentId) {
        return Optional.ofNullable(getState(ClusterNames.latestStateKey(documentId))).map(b -> decode(documentId, b));
    }

    @Override
    public boolean hasState(String documentId) {
        return states.containsKey(ClusterNames.latestStateKey(documentId));
    }

    /**
     * Stores the newest segment's summaries apart, then the state: the previous state's digests plus the newest
     * one's, and the state without summaries. Only the newest segment's summaries are written.
     */
    @Override
    public long putState(String documentId, SegmentState state) {
        int last = state.segmentsDone() - 1;
        long[] digests = new long[0];
        if (last >= 0) {
            if (last > 0) {
                byte[] previous = getState(ClusterNames.stateKey(documentId, last));
                if (previous == null) {
                    throw new RingmemException("state of '" + documentId + "' after segment " + (last - 1)
                            + " is missing from the store");
                }
                digests = digests(documentId, ByteBuffer.wrap(previous).order(ByteOrder.LITTLE_ENDIAN), previous.length);
                if (digests.length != last) {
                    throw new RingmemException("state of '" + documentId + "' after segment " + (last - 1)
                            + " counts " + digests.length + " segments");
                }
            }
            byte[] newest = SegmentStateCodec.encodeSummaries(state.summariesOf(last));
            setState(summariesKey(documentId, last), newest);
            digests = Arrays.copyOf(digests, last + 1);
            digests[last] = digest(newest);
            cache.put(documentId, last, digests[last], state.summariesOf(last), newest.length);
        }
        byte[] bare = SegmentStateCodec.encode(state, false);
        ByteBuffer out = ByteBuffer.allocate(8 + 8 * digests.length + bare.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(digests.length);
        for (long d : digests) out.putLong(d);
        out.put(bare);
        byte[] bytes = out.array();
        setState(ClusterNames.stateKey(documentId, state.segmentsDone()), bytes);
        setState(ClusterNames.latestStateKey(documentId), bytes);
        if (state.segmentsDone() >= 2) states.delete(ClusterNames.stateKey(documentId, state.segmentsDone() - 2));
        return bytes.length;
    }

    /** The digests at the head of a stored state; leaves {@code in} at the state without summaries. */
    private static long[] digests(String documentId, ByteBuffer in, int length) {
        if (length < 8 || in.getInt() != MAGIC) {
            throw new RingmemException("stored state of '" + documentId + "' is damaged (bad header)");
        }
        int n = in.getInt();
        if (n < 0 || 8L + 8L * n > length) {
            throw new RingmemException("stored state of '" + documentId + "' is damaged (digest count " + n + ")");
        }
        long[] digests = new long[n];
        for (int k = 0; k < n; k++) digests[k] = in.getLong();
        return digests;
    }

    private SegmentState decode(String documentId, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] digests = digests(documentId, in, bytes.length);
        int n = digests.length;
        SegmentState bare = SegmentStateCodec.decode(Arrays.copyOfRange(bytes, 8 + 8 * n, bytes.length));
        List<List<BlockSummary>> all = new ArrayList<>(bare.layers());
        for (int l = 0; l < bare.layers(); l++) all.add(new ArrayList<>());
        for (int k = 0; k < n; k++) {
            List<List<BlockSummary>> seg = summaries(documentId, k, digests[k]);
            if (seg.size() != bare.layers()) {
                throw new RingmemException("block summaries of segment " + k + " of '" + documentId + "' have "
                        + seg.size() + " layers");
            }
            for (int l = 0; l < seg.size(); l++) all.get(l).addAll(seg.get(l));
        }
        return bare.withSummaries(all);
    }

    private List<List<BlockSummary>> summaries(String documentId, int k, long digest) {
        List<List<BlockSummary>> hit = cache.get(documentId, k, digest);
        if (hit != null) return hit;
        byte[] bytes = getState(summariesKey(documentId, k));
        if (bytes == null || digest(bytes) != digest) {
            throw new RingmemException("block summaries of segment " + k + " of '" + documentId
                    + "' are missing or were replaced in the store");
        }
        List<List<BlockSummary>> seg = SegmentStateCodec.decodeSummaries(bytes);
        cache.put(documentId, k, digest, seg, bytes.length);
        return seg;
    }

    static String summariesKey(String documentId, int segment) {
        return documentId + "#summaries#" + segment;
    }

    private static long digest(byte[] bytes) {
        if (bytes == null) return -1;
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue() ^ ((long) bytes.length << 32);
    }

    @Override
    public void putShard(String sessionId, int rank, byte[] kv) {
        String key = ClusterNames.shardKey(sessionId, rank);
        shards.set(key, cipher.seal(ClusterNames.SHARDS, key, kv));
    }

    @Override
    public Optional<byte[]> shard(String sessionId, int rank) {
        String key = ClusterNames.shardKey(sessionId, rank);
        return Optional.ofNullable(shards.get(key)).map(b -> cipher.open(ClusterNames.SHARDS, key, b));
    }

    /**
     * Removes every state, block summary and in-flight shard of the document: a key-only scan of both maps (keys are
     * not encrypted), then one delete per key. Returns how many entries were removed.
     */
    @Override
    public int deleteDocument(String documentId) {
        int n = 0;
        for (String k : states.keySet()) {
            if (ownsStateKey(documentId, k)) n += states.remove(k) != null ? 1 : 0;
        }
        for (String k : shards.keySet()) {
            if (documentId.equals(shardDocument(k))) n += shards.remove(k) != null ? 1 : 0;
        }
        return n;
    }

    /** Whether a STATES key belongs to the document: {@code doc#N}, {@code doc#latest} or {@code doc#summaries#N}. */
    static boolean ownsStateKey(String documentId, String key) {
        if (!key.startsWith(documentId + "#")) return false;
        String rest = key.substring(documentId.length() + 1);
        return rest.equals("latest") || rest.matches("\\d+") || rest.matches("summaries#\\d+");
    }

    /** The document of a SHARDS key {@code jobId/documentId/segment/session#rank}, or null. */
    static String shardDocument(String key) {
        int hash = key.lastIndexOf('#'), first = key.indexOf('/');
        if (hash < 0 || first < 0) return null;
        String session = key.substring(0, hash);
        int last = session.lastIndexOf('/'), beforeLast = last > 0 ? session.lastIndexOf('/', last - 1) : -1;
        return beforeLast > first ? session.substring(first + 1, beforeLast) : null;
    }

    @Override
    public void deleteShards(String sessionId, int ranks) {
        for (int r = 0; r < ranks; r++) shards.delete(ClusterNames.shardKey(sessionId, r));
    }
}

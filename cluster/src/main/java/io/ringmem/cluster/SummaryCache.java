package io.ringmem.cluster;

import io.ringmem.kv.BlockSummary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process-local LRU of decoded per-segment block summaries, keyed by (document, segment, digest of the stored
 * bytes) and bounded by the stored bytes it holds. Segments' summaries never change once written, and a document
 * processed again gets new digests, so entries need no invalidation. Thread-safe.
 */
public final class SummaryCache {
    /** Default bound: 512 MiB of stored summary bytes. */
    public static final long DEFAULT_MAX_BYTES = 512L << 20;

    private record Entry(List<List<BlockSummary>> summaries, long bytes) {
    }

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    public SummaryCache(long maxBytes) {
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0");
        this.maxBytes = maxBytes;
    }

    public synchronized List<List<BlockSummary>> get(String documentId, int segment, long digest) {
        Entry e = entries.get(key(documentId, segment, digest));
        return e == null ? null : e.summaries();
    }

    public synchronized void put(String documentId, int segment, long digest, List<List<BlockSummary>> summaries, long size) {
        if (size > maxBytes) return;
        Entry old = entries.put(key(documentId, segment, digest), new Entry(List.copyOf(summaries), size));
        bytes += size - (old == null ? 0 : old.bytes());
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Entry> eldest = it.next();
            bytes -= eldest.getValue().bytes();
            it.remove();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    private static String key(String documentId, int segment, long digest) {
        return documentId + "#" + segment + "#" + Long.toHexString(digest);
    }
}

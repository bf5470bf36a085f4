package io.ringmem.cluster;

import io.ringmem.store.StoreConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the cluster keeps what it stores: every Ringmem map has a time to live (Hazelcast map TTL, counted from an
 * entry's last write; expired entries are removed lazily and by Hazelcast's background expiry). Zero keeps entries
 * until they are deleted. Every process of a cluster should get the same values (the partition owner's configuration
 * applies to an entry).
 *
 * @param jobs      job records, per-segment outcomes, results, cancel marks and submitted token ids
 *                  ({@code --retention}, default {@link #DEFAULT_JOBS})
 * @param documents documents' carried states, block summaries, KV blocks and their segment index
 *                  ({@code --document-retention}, default {@link #DEFAULT_DOCUMENTS})
 * @param shards    in-flight KV shards of a ring session (deleted when the segment is finalized; the TTL only bounds
 *                  what a failed session leaves), default {@link #DEFAULT_SHARDS}, at most {@code documents}
 */
public record Retention(Duration jobs, Duration documents, Duration shards) {
    public static final Duration DEFAULT_JOBS = Duration.ofDays(7);
    public static final Duration DEFAULT_DOCUMENTS = Duration.ofDays(7);
    public static final Duration DEFAULT_SHARDS = Duration.ofHours(1);

    public Retention {
        check("jobs retention", jobs);
        check("document retention", documents);
        check("shard retention", shards);
        if (!documents.isZero() && (shards.isZero() || shards.compareTo(documents) > 0)) shards = documents;
    }

    /** The defaults: 7 days for jobs and documents, 1 hour for in-flight shards. */
    public static Retention defaults() {
        return new Retention(DEFAULT_JOBS, DEFAULT_DOCUMENTS, DEFAULT_SHARDS);
    }

    /** Parses {@code 7d}, {@code 12h}, {@code 30m}, {@code 90s}, ISO-8601 ({@code P7D}), or {@code 0} (forever). */
    public static Duration parse(String what, String value) {
        if (value.strip().equals("0")) return Duration.ZERO;
        try {
            return StoreConfig.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** Hazelcast TTL seconds of a duration (rounded up; 0 = none). */
    public static int ttlSeconds(Duration d) {
        return d.isZero() ? 0 : (int) Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000);
    }

    private static void check(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) throw new IllegalArgumentException(what + " must not be negative, got " + d);
    }
}

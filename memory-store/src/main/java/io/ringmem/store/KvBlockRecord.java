package io.ringmem.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored KV block, as opaque codec output.
 *
 * <p>The store never interprets {@code payload}: {@code codec} names the encoder that produced it (for
 * example {@code "f32"}, {@code "kivi-int8"}) and the reader picks the matching decoder. Arrays are not
 * copied: callers must not mutate them after handing a record to the store, nor mutate arrays of a record
 * they read. {@link #equals} and {@link #hashCode} compare array contents.
 *
 * @param tokens          number of tokens in the block, {@code >= 0}
 * @param positions       global token positions, length {@code tokens}
 * @param codec           non-blank codec name, at most 64 characters
 * @param payload         encoded K/V bytes (may be empty, never null)
 * @param summary         block summary vector used for retrieval (may be empty, never null)
 * @param createdAtMillis creation time, epoch milliseconds, {@code >= 0}
 */
public record KvBlockRecord(int tokens, int[] positions, String codec, byte[] payload, float[] summary,
                            long createdAtMillis) {

    public KvBlockRecord {
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(summary, "summary");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        }
        if (positions.length != tokens) {
            throw new IllegalArgumentException("positions.length " + positions.length + " != tokens " + tokens);
        }
        if (codec.isBlank() || codec.length() > 64) {
            throw new IllegalArgumentException("codec must be non-blank and at most 64 characters: '" + codec + "'");
        }
        if (createdAtMillis < 0) {
            throw new IllegalArgumentException("createdAtMillis must be >= 0, got " + createdAtMillis);
        }
    }

    /** Bytes of the array contents (payload, positions, summary); a lower bound of the stored size. */
    public long contentBytes() {
        return payload.length + 4L * positions.length + 4L * summary.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvBlockRecord r
                && tokens == r.tokens
                && createdAtMillis == r.createdAtMillis
                && codec.equals(r.codec)
                && Arrays.equals(positions, r.positions)
                && Arrays.equals(payload, r.payload)
                && Arrays.equals(summary, r.summary);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(tokens, codec, createdAtMillis);
        h = 31 * h + Arrays.hashCode(positions);
        h = 31 * h + Arrays.hashCode(payload);
        return 31 * h + Arrays.hashCode(summary);
    }

    @Override
    public String toString() {
        return "KvBlockRecord[tokens=" + tokens + ", codec=" + codec + ", payload=" + payload.length
                + " B, summary=" + summary.length + ", createdAtMillis=" + createdAtMillis + "]";
    }
}

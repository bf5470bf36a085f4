package io.ringmem.protocol;

import io.ringmem.segment.SegmentConfig;

import java.security.SecureRandom;

/**
 * Rank {@code rank} of a ring of {@code ranks} workers runs one segment of one document: its zigzag shard of
 * {@code segmentIds} through every layer, ring attention with its neighbours, attention to the document's carried
 * state after {@code segment - 1} segments; its KV shard goes to the store for {@link FinalizeTask}.
 *
 * @param jobId         job this belongs to
 * @param documentId    store key of the document (its carried state and KV blocks)
 * @param segment       segment index (0-based)
 * @param session       ring session number of this try of the segment (random; a retry after a failure gets a new one)
 * @param rank          this worker's rank in the ring
 * @param ranks         ring size P
 * @param schedule      shard schedule (zigzag or contiguous)
 * @param nextAddress   host:port of the ring server of rank (rank + 1) % P
 * @param segmentIds    (S) the segment's token ids (all ranks get all of them)
 * @param firstPosition global position of segmentIds[0]
 * @param nextToken     the document's token after the segment, or -1 at the end (for the last position's NLL)
 * @param settings      segment settings
 * @param scoreTokens   compute per-token NLL
 * @param embed         compute the pooled final hidden state
 * @param stepTimeoutMillis how long a ring step may wait for a neighbour
 * @param sessionKey    the ring session's secret (random, {@link #SESSION_KEY_BYTES} bytes, the same for every rank of
 *                      this try): ring connections prove it before any frame is accepted. It travels only inside
 *                      the task sealed with AES-GCM under the cluster secret ({@code TaskCodec}; in the clear only in a
 *                      development cluster without a secret); {@link #toString} does not show it
 */
public record ShardTask(String jobId, String documentId, int segment, int session, int rank, int ranks,
                        String schedule, String nextAddress, int[] segmentIds, int firstPosition, int nextToken,
                        SegmentConfig settings, boolean scoreTokens, boolean embed, long stepTimeoutMillis,
                        byte[] sessionKey)
        implements WorkerRequest<ShardResult> {
    /** Bytes of a session key the coordinator issues. */
    public static final int SESSION_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public ShardTask {
        if (ranks < 1 || rank < 0 || rank >= ranks) throw new IllegalArgumentException("rank " + rank + " of " + ranks);
        if (segment < 0 || session < 0 || firstPosition < 0) throw new IllegalArgumentException("negative segment, session or position");
        if (segmentIds.length < ranks) throw new IllegalArgumentException(ranks + " ranks need at least " + ranks + " tokens");
        if (stepTimeoutMillis <= 0) throw new IllegalArgumentException("stepTimeoutMillis must be > 0");
        if (sessionKey == null || sessionKey.length < 16) throw new IllegalArgumentException("session key of at least 16 bytes required");
    }

    /** A fresh random session key (SecureRandom, {@link #SESSION_KEY_BYTES} bytes): one per ring session. */
    public static byte[] newSessionKey() {
        byte[] key = new byte[SESSION_KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    @Override
    public String toString() {
        return "ShardTask[" + sessionId() + " rank " + rank + "/" + ranks + ", " + segmentIds.length + " tokens]";
    }

    /** The ring session id every rank of this try shares. */
    public String sessionId() {
        return ringSession(jobId, documentId, segment, session);
    }

    public static String ringSession(String jobId, String documentId, int segment, int session) {
        return jobId + "/" + documentId + "/" + segment + "/" + session;
    }
}

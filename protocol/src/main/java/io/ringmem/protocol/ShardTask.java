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
 * @param sessionNonce  the try's random nonce ({@link #SESSION_NONCE_BYTES} bytes, the same for every rank of this try).
 *                      With a cluster secret each rank derives the ring session key from it
 *                      ({@code ClusterSecret.ringSessionKey(sessionId, nonce)}), so the key itself never travels; in a
 *                      development cluster without a secret the nonce is the session key. Ring connections prove the
 *                      key before any frame is accepted. {@link #toString} does not show it
 */
public record ShardTask(String jobId, String documentId, int segment, int session, int rank, int ranks,
                        String schedule, String nextAddress, int[] segmentIds, int firstPosition, int nextToken,
                        SegmentConfig settings, boolean scoreTokens, boolean embed, long stepTimeoutMillis,
                        byte[] sessionNonce)
        implements WorkerRequest<ShardResult> {
    /** Bytes of a session nonce the coordinator issues. */
    public static final int SESSION_NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public ShardTask {
        if (ranks < 1 || rank < 0 || rank >= ranks) throw new IllegalArgumentException("rank " + rank + " of " + ranks);
        if (segment < 0 || session < 0 || firstPosition < 0) throw new IllegalArgumentException("negative segment, session or position");
        if (segmentIds.length < ranks) throw new IllegalArgumentException(ranks + " ranks need at least " + ranks + " tokens");
        if (stepTimeoutMillis <= 0) throw new IllegalArgumentException("stepTimeoutMillis must be > 0");
        if (sessionNonce == null || sessionNonce.length < 16) throw new IllegalArgumentException("session nonce of >= 16 bytes required");
    }

    /** A fresh random session nonce (SecureRandom, {@link #SESSION_NONCE_BYTES} bytes): one per ring session (try). */
    public static byte[] newSessionNonce() {
        byte[] key = new byte[SESSION_NONCE_BYTES];
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

package io.ringmem.protocol;

import java.util.List;

/**
 * Names both sides of the cluster agree on: member attributes, distributed maps, executor. Every map's values are sealed
 * (AES-GCM under the cluster secret, bound to map and key; docs/memory-store.md, "Encryption"); keys are not.
 */
public final class ClusterNames {
    private ClusterNames() {
    }

    /** Member attribute: the member's role, {@link #ROLE_WORKER} or {@link #ROLE_COORDINATOR}. */
    public static final String ATTR_ROLE = "ringmem.role";
    public static final String ROLE_WORKER = "worker";
    public static final String ROLE_COORDINATOR = "coordinator";
    /** Member attribute of a worker: host:port of its ring server. */
    public static final String ATTR_RING = "ringmem.ring";
    /** Member attribute of a worker: its name. */
    public static final String ATTR_NAME = "ringmem.name";
    /** Member attribute of a worker: the model it serves (folder or file name). */
    public static final String ATTR_MODEL = "ringmem.model";

    /** Executor service the coordinator submits worker requests to. */
    public static final String EXECUTOR = "ringmem-tasks";
    /** IMap documentId#segment → encoded carried state after that segment; documentId#latest → the newest. */
    public static final String STATES = "ringmem-states";
    /** IMap session#rank → one rank's encoded KV shard of a segment, until the segment is finalized. */
    public static final String SHARDS = "ringmem-shards";
    /** IMap jobId → job record (Kryo). */
    public static final String JOBS = "ringmem-jobs";
    /** IMap jobId#document#segment → segment outcome. */
    public static final String OUTCOMES = "ringmem-outcomes";
    /** IMap jobId → result (JSON); jobId#cancel → a cancel request. */
    public static final String RESULTS = "ringmem-results";
    /** IMap jobId#document → token ids of a submitted document. */
    public static final String DOCUMENTS = "ringmem-documents";
    /** Maps that hold a job's data (job retention): records, outcomes, results, submitted token ids. */
    public static final List<String> JOB_MAPS = List.of(JOBS, OUTCOMES, RESULTS, DOCUMENTS);
    /**
     * Every map Ringmem creates besides the memory store's (named by its config: {@code ringmem-kv} and
     * {@code ringmem-kv-segments} by default).
     */
    public static final List<String> ALL_MAPS = List.of(STATES, SHARDS, JOBS, OUTCOMES, RESULTS, DOCUMENTS);

    public static String stateKey(String documentId, int segment) {
        return documentId + "#" + segment;
    }

    public static String latestStateKey(String documentId) {
        return documentId + "#latest";
    }

    public static String shardKey(String sessionId, int rank) {
        return sessionId + "#" + rank;
    }
}

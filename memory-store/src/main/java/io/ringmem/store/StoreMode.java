package io.ringmem.store;

/** How a {@link HazelcastMemoryStore} reaches the cluster. */
public enum StoreMode {
    /** Starts a Hazelcast member inside this JVM; it holds a share of the data. */
    EMBEDDED,
    /** Connects as a Hazelcast client to an existing cluster; holds no data. */
    CLIENT
}

package io.ringmem.api;

/**
 * {@code GET /v1/cluster}: Hazelcast members, workers serving the model, and whether every partition has its backup
 * ({@code safe}: wait for it before stopping another member).
 */
public record ClusterInfo(int members, int workers, boolean safe) {
}

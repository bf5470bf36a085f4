package io.ringmem.coordinator;

/**
 * A worker as the coordinator sees it.
 *
 * @param id          stable id within the cluster (the member UUID, or a local name)
 * @param name        the worker's name
 * @param ringAddress host:port of its ring server
 */
public record WorkerRef(String id, String name, String ringAddress) {
}

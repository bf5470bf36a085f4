/**
 * What the coordinator and worker processes share: cluster options (Hazelcast member and client settings),
 * the service HTTP endpoints (health, readiness, metrics), requests as Hazelcast executor tasks
 * ({@link io.ringmem.cluster.WorkerCall}) and the carried document states in the cluster.
 */
package io.ringmem.cluster;

package io.ringmem.worker;

import io.ringmem.cluster.ClusterOptions;
import io.ringmem.worker.ring.RingTls;

import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a worker process, parsed once at the entry point.
 *
 * @param name          worker name (metrics, logs, results)
 * @param modelName     name of the served model (what job requests may name)
 * @param cluster       how it joins the cluster
 * @param ringHost      interface the ring server binds
 * @param ringPort      ring server port (0: any free port)
 * @param advertiseHost host other workers use to reach the ring server
 * @param httpHost      interface of the health/metrics endpoint
 * @param httpPort      health/metrics port (0: any free port, -1: none)
 * @param blockTokens   tokens per batched matmul block
 * @param ringTls       mutual TLS on the ring ({@code --ring-tls-cert/-key/-ca}); empty: plain TCP
 */
public record WorkerSettings(String name, String modelName, ClusterOptions cluster, String ringHost, int ringPort,
                             String advertiseHost, String httpHost, int httpPort, int blockTokens,
                             Optional<RingTls> ringTls) {
    public WorkerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(ringTls, "ringTls");
        if (ringPort < 0 || ringPort > 65535) throw new IllegalArgumentException("--ring-port must be in 0..65535, got " + ringPort);
        if (httpPort < -1 || httpPort > 65535) throw new IllegalArgumentException("--http-port must be in 0..65535, got " + httpPort);
        if (blockTokens < 1) throw new IllegalArgumentException("--block-tokens must be >= 1, got " + blockTokens);
        if (advertiseHost == null || advertiseHost.isBlank()) throw new IllegalArgumentException("advertise host must be set");
    }
}

package io.ringmem.coordinator;

import io.ringmem.cluster.ClusterOptions;
import io.ringmem.coordinator.auth.AccessSettings;

import java.util.Objects;

/**
 * Settings of a coordinator process, parsed once at the entry point.
 *
 * @param modelName name of the served model (job requests may name it; workers must serve it)
 * @param httpHost  interface of the REST API (blank: all)
 * @param httpPort  REST port (0: any free one)
 * @param maxRequestBytes largest REST request body (413 beyond, refused before it is buffered)
 * @param access    API keys, TLS and audit log of the REST API; without keys {@code httpHost} must be loopback
 */
public record CoordinatorSettings(String modelName, ClusterOptions cluster, String httpHost, int httpPort,
                                  JobLimits limits, RunnerSettings runner, long maxRequestBytes, AccessSettings access) {
    public CoordinatorSettings {
        Objects.requireNonNull(access, "access");
        access.checkBind(httpHost);
        if (maxRequestBytes < 1) throw new IllegalArgumentException("--max-request-bytes must be >= 1, got " + maxRequestBytes);
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(runner, "runner");
        if (httpPort < 0 || httpPort > 65535) throw new IllegalArgumentException("--http-port must be in 0..65535, got " + httpPort);
    }

    /** With request bodies of {@link RestApi#DEFAULT_MAX_REQUEST_BYTES} at most. */
    public CoordinatorSettings(String modelName, ClusterOptions cluster, String httpHost, int httpPort, JobLimits limits,
                               RunnerSettings runner, AccessSettings access) {
        this(modelName, cluster, httpHost, httpPort, limits, runner, RestApi.DEFAULT_MAX_REQUEST_BYTES, access);
    }
}

package io.ringmem.coordinator;

import io.ringmem.cluster.ClusterOptions;

import java.util.Objects;

/**
 * Settings of a coordinator process, parsed once at the entry point.
 *
 * @param modelName name of the served model (job requests may name it; workers must serve it)
 * @param httpHost  interface of the REST API (blank: all)
 * @param httpPort  REST port (0: any free one)
 */
public record CoordinatorSettings(String modelName, ClusterOptions cluster, String httpHost, int httpPort,
                                  JobLimits limits, RunnerSettings runner) {
    public CoordinatorSettings {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(runner, "runner");
        if (httpPort < 0 || httpPort > 65535) throw new IllegalArgumentException("--http-port must be in 0..65535, got " + httpPort);
    }
}

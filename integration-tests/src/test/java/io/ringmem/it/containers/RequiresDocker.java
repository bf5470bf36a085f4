package io.ringmem.it.containers;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a container test class, saying why and what to do, when no Docker engine answers; checked once per JVM
 * before any container is created. With an engine, a missing image is a failure, not a skip
 * ({@link RingmemContainers#image()}).
 */
final class RequiresDocker implements ExecutionCondition {
    private static Boolean available;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (dockerAvailable()) return ConditionEvaluationResult.enabled("a Docker engine answers");
        String reason = "skipped: no Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one with "
                + "scripts/docker-engine.sh start (as root; .ci/run does it), build the images with deploy/docker/build-images.sh";
        System.out.println(context.getDisplayName() + " " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    private static synchronized boolean dockerAvailable() {
        if (available == null) available = DockerClientFactory.instance().isDockerAvailable();
        return available;
    }
}

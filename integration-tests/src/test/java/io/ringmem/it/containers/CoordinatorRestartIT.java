package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The coordinator container restarts (docker restart) while a job runs: the job record lives in the Hazelcast
 * cluster, so after the restart its status is still there, the job completes, and its result equals that of the
 * same job run afterwards without interruption.
 */
@Testcontainers(disabledWithoutDocker = true)
class CoordinatorRestartIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(3);

    @Test
    void aRestartedCoordinatorKeepsAndCompletesTheJob() throws Exception {
        RestClient rest = cluster.rest();
        String id = rest.submit(LongJobs.scoreRequest()).path("id").asText();
        JsonNode before = rest.awaitState(id, s -> !"QUEUED".equals(s.path("state").asText()), JOB_TIMEOUT, "leaving QUEUED");
        System.out.println("job " + id + " before the coordinator restart: " + before);

        RestClient after = cluster.restartCoordinator(RingmemContainers.STARTUP);
        JsonNode kept = after.status(id);
        assertEquals(id, kept.path("id").asText());
        assertEquals("score", kept.path("task").asText());

        JsonNode status = after.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
        JsonNode recovered = after.result(id);

        String againId = after.submit(LongJobs.scoreRequest()).path("id").asText();
        JsonNode again = after.awaitTerminal(againId, JOB_TIMEOUT);
        assertEquals("SUCCEEDED", again.path("state").asText(), again.toString());
        LongJobs.assertSameScores(after.result(againId), recovered);
    }
}

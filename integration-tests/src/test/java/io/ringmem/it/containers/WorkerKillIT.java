package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Four workers, rings of three: a worker killed with SIGKILL in the middle of a multi-segment job costs nothing.
 * The job still succeeds, with the same result as the same job run undisturbed.
 */
@Testcontainers(disabledWithoutDocker = true)
class WorkerKillIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(4);

    @Test
    void aWorkerKilledMidJobLeavesTheResultUnchanged() throws Exception {
        RestClient rest = cluster.rest();
        ObjectNode request = LongJobs.scoreRequest();

        String undisturbedId = rest.submit(request).path("id").asText();
        JsonNode undisturbedStatus = rest.awaitTerminal(undisturbedId, JOB_TIMEOUT);
        assertEquals("SUCCEEDED", undisturbedStatus.path("state").asText(), undisturbedStatus.toString());
        JsonNode expected = rest.result(undisturbedId);

        String id = rest.submit(request).path("id").asText();
        JsonNode running = rest.awaitState(id, s -> LongJobs.isMidJob(s) || RestClient.TERMINAL.contains(s.path("state").asText()),
                JOB_TIMEOUT, "RUNNING with at least one segment done");
        assumeFalse(RestClient.TERMINAL.contains(running.path("state").asText()),
                "the job ended before a worker could be killed (raise LongJobs.REPEATS): " + running);
        cluster.kill(cluster.worker(1));

        JsonNode status = rest.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
        LongJobs.assertSameScores(expected, rest.result(id));
    }
}

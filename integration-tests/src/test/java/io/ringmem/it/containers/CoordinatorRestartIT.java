package io.ringmem.it.containers;

import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.it.JobPolls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The coordinator container restarts (docker restart) while a job runs: the job record lives in the Hazelcast
 * cluster, so after the restart its status is still there, the job completes, and its result equals that of the
 * same job run afterwards without interruption.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers
class CoordinatorRestartIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(3);

    @Test
    void aRestartedCoordinatorKeepsAndCompletesTheJob() {
        RingmemClient client = cluster.client();
        String id = client.submit(LongJobs.scoreRequest()).id();
        JobStatus before = JobPolls.awaitState(client, id, s -> s.state() != JobState.QUEUED, JOB_TIMEOUT, "leaving QUEUED");
        System.out.println("job " + id + " before the coordinator restart: " + before);

        RingmemClient after = cluster.restartCoordinator(RingmemContainers.STARTUP);
        JobStatus kept = after.status(id);
        assertEquals(id, kept.id());
        assertEquals("score", kept.task());

        JobStatus status = JobPolls.awaitTerminal(after, id, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        JobResult recovered = after.result(id);

        String againId = after.submit(LongJobs.scoreRequest()).id();
        JobStatus again = JobPolls.awaitTerminal(after, againId, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, again.state(), again.toString());
        LongJobs.assertSameScores(after.result(againId), recovered);
    }
}

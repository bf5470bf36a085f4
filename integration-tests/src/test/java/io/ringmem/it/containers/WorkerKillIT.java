package io.ringmem.it.containers;

import io.ringmem.api.JobRequest;
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
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Four workers, rings of three: a worker killed with SIGKILL in the middle of a multi-segment job costs nothing.
 * The job still succeeds, with the same result as the same job run undisturbed.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers
class WorkerKillIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(4);

    @Test
    void aWorkerKilledMidJobLeavesTheResultUnchanged() {
        RingmemClient client = cluster.client();
        JobRequest request = LongJobs.scoreRequest();

        String undisturbedId = client.submit(request).id();
        JobStatus undisturbedStatus = JobPolls.awaitTerminal(client, undisturbedId, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, undisturbedStatus.state(), undisturbedStatus.toString());
        JobResult expected = client.result(undisturbedId);

        String id = client.submit(request).id();
        JobStatus running = JobPolls.awaitState(client, id, s -> LongJobs.isMidJob(s) || s.state().finished(),
                JOB_TIMEOUT, "RUNNING with at least one segment done");
        assumeFalse(running.state().finished(), "the job ended before a worker could be killed (raise LongJobs.REPEATS): " + running);
        cluster.kill(cluster.worker(1));

        JobStatus status = JobPolls.awaitTerminal(client, id, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        LongJobs.assertSameScores(expected, client.result(id));
    }
}

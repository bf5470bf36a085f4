package io.ringmem.it.containers;

import io.ringmem.api.ClusterInfo;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import io.ringmem.it.JobPolls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A worker cut off the network ({@code docker network disconnect}) for longer than the failure detector's timeout,
 * in the middle of a job, then put back: the job loses nothing and ends once, with the undisturbed result (no
 * second, split-brain result); the lone worker's one-member cluster merges back, and the healed cluster of a
 * coordinator and four workers runs a job again. Failure detection at 5 s and Hazelcast's split-brain merge checks
 * every 5 s (instead of after 300 s) keep the scenario short.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers
class NetworkPartitionIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final int FAILURE_SECONDS = 5;
    private static final Duration CUT_OFF = Duration.ofSeconds(3L * FAILURE_SECONDS);
    private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(4)
            .withMemberArgs("--failure-seconds", String.valueOf(FAILURE_SECONDS))
            .withJvmOptions("-Dhazelcast.merge.first.run.delay.seconds=5 -Dhazelcast.merge.next.run.delay.seconds=5");

    @Test
    void aWorkerCutOffAndReconnectedLosesNoJobAndTheClusterHeals() throws InterruptedException {
        RingmemClient client = cluster.client();
        JobRequest request = LongJobs.scoreRequest();
        String undisturbedId = client.submit(request).id();
        JobStatus undisturbed = JobPolls.awaitTerminal(client, undisturbedId, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, undisturbed.state(), undisturbed.toString());
        JobResult expected = client.result(undisturbedId);

        String id = client.submit(request).id();
        JobStatus running = JobPolls.awaitState(client, id, s -> LongJobs.isMidJob(s) || s.state().finished(),
                JOB_TIMEOUT, "RUNNING with at least one segment done");
        assumeFalse(running.state().finished(), "the job ended before the worker could be cut off: " + running);
        cluster.disconnect(cluster.worker(1));
        Thread.sleep(CUT_OFF.toMillis());
        cluster.reconnect(cluster.worker(1));

        JobStatus status = JobPolls.awaitTerminal(client, id, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        LongJobs.assertSameScores(expected, client.result(id));

        ClusterInfo healed = awaitHealed(client);
        System.out.println("healed: " + healed + ", workers " + client.workers());
        Set<String> jobs = client.list().stream().map(JobStatus::id).collect(Collectors.toSet());
        assertEquals(Set.of(undisturbedId, id), jobs, "the jobs after the partition");
        assertEquals(JobState.SUCCEEDED, client.status(id).state(), "the job's state after the merge");
        LongJobs.assertSameScores(expected, client.result(id));

        String again = client.submit(JobRequest.builder("score").workers(4).segmentTokens(512)
                .documents(JobRequest.DocumentInput.tokens("reference", HfReference.tinyStories512().ids())).build()).id();
        JobStatus afterHeal = JobPolls.awaitTerminal(client, again, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, afterHeal.state(), "a ring of all four workers after healing: " + afterHeal);
    }

    /** Waits until the coordinator sees five members, four workers and every partition backed up. */
    private static ClusterInfo awaitHealed(RingmemClient client) throws InterruptedException {
        Instant end = Instant.now().plus(HEAL_TIMEOUT);
        String last = "nothing yet";
        while (Instant.now().isBefore(end)) {
            try {
                ClusterInfo info = client.cluster();
                if (info.members() == 5 && info.workers() == 4 && info.safe()) return info;
                last = info.toString();
            } catch (RingmemClientException e) {
                last = e.status() + " " + e.getMessage();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the cluster did not heal within " + HEAL_TIMEOUT + "; last: " + last);
    }
}

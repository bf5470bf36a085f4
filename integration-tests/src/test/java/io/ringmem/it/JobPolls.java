package io.ringmem.it;

import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Waiting on a coordinator through {@link RingmemClient} while processes are killed and restarted: unlike
 * {@link RingmemClient#awaitCompletion}, no answer (status 0) or a 5xx is retried until the timeout.
 */
public final class JobPolls {
    private static final Duration POLL = Duration.ofMillis(100);

    private JobPolls() {
    }

    /** A client of the coordinator at {@code base} with the integration tests' timeouts and API key ({@link ItKeys}). */
    public static RingmemClient client(URI base) {
        return RingmemClient.builder(base.toString()).apiKey(ItKeys.KEY).connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(30)).pollInterval(POLL).build();
    }

    /** Polls until the job is SUCCEEDED, FAILED or CANCELLED; returns that status. */
    public static JobStatus awaitTerminal(RingmemClient client, String id, Duration timeout) {
        return awaitState(client, id, s -> s.state().finished(), timeout, "a terminal state");
    }

    /** Polls the job's status until {@code done} holds and returns that status; fails after {@code timeout}. */
    public static JobStatus awaitState(RingmemClient client, String id, Predicate<JobStatus> done, Duration timeout, String what) {
        Instant end = Instant.now().plus(timeout);
        String last = "nothing yet";
        while (Instant.now().isBefore(end)) {
            try {
                JobStatus s = client.status(id);
                if (done.test(s)) return s;
                last = s.toString();
            } catch (RingmemClientException e) {
                if (e.status() != 0 && e.status() < 500) throw e;
                last = e.status() + " " + e.getMessage();
            }
            sleep(POLL);
        }
        throw new AssertionError("job " + id + " did not reach " + what + " within " + timeout + "; last: " + last);
    }

    /** Polls {@code /health/ready} until it answers 200; fails after {@code timeout}. */
    public static void awaitReady(RingmemClient client, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        String last = "nothing yet";
        while (Instant.now().isBefore(end)) {
            try {
                if (client.health()) return;
                last = "503";
            } catch (RingmemClientException e) {
                last = e.status() + " " + e.getMessage();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError(client.base() + " did not become ready within " + timeout + "; last: " + last);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

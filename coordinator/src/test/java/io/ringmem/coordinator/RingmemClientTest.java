package io.ringmem.coordinator;

import io.ringmem.TestData;
import io.ringmem.api.AskResult;
import io.ringmem.api.DocumentDeletion;
import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.GenerateResult;
import io.ringmem.api.JobPage;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.protocol.ShardTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The api module's {@link RingmemClient} against the real REST API of a coordinator with fake workers. */
class RingmemClientTest {
    private static final RunnerSettings SETTINGS = new RunnerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofMinutes(1), 4, Duration.ofSeconds(1), Duration.ofMinutes(10), 4);

    private static LoadedModel model;
    private static FakeGateway workers;
    private static TestCoordinator coordinator;
    private static RingmemClient client;

    @BeforeAll
    static void start() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        workers = FakeGateway.withReachableWorkers(2);
        workers.behaviour = (w, r) -> {
            if (r instanceof ShardTask t && t.documentId().equals("bad")) throw new IllegalStateException("cannot read document");
            return FakeGateway.answer(w, r);
        };
        coordinator = new TestCoordinator(workers, model.tokenizer(), model.config().vocabSize(), SETTINGS, Set.of("d1")::contains);
        client = RingmemClient.builder("http://127.0.0.1:" + coordinator.http.port()).apiKey(TestCoordinator.KEY)
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).build();
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) coordinator.close();
        if (workers != null) workers.close();
        model.close();
    }

    @Test
    void pagesJobsAndDeletesADocument() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JobStatus s = client.submit(JobRequest.builder("score").documents(DocumentInput.tokens("pg-doc-" + i, 1, 2, 3, 4))
                    .workers(2).build());
            ids.add(s.id());
            assertEquals(JobState.SUCCEEDED, client.awaitCompletion(s.id(), Duration.ofSeconds(60), x -> { }).state());
        }
        JobPage first = client.jobs(2, Optional.empty());
        assertEquals(2, first.jobs().size());
        assertTrue(first.next().isPresent(), "more jobs than one page");
        List<String> paged = new ArrayList<>(first.jobs().stream().map(JobStatus::id).toList());
        Optional<String> next = first.next();
        while (next.isPresent()) {
            JobPage p = client.jobs(2, next);
            p.jobs().forEach(j -> paged.add(j.id()));
            next = p.next();
        }
        assertEquals(client.list().stream().map(JobStatus::id).toList(), paged, "list() follows the same pages");
        assertEquals(ids.reversed(), paged.subList(0, 3), "newest first");
        RingmemClientException bad = assertThrows(RingmemClientException.class, () -> client.jobs(0, Optional.empty()));
        assertEquals(400, bad.status());

        RingmemClientException user = assertThrows(RingmemClientException.class, () -> client.deleteDocument("pg-doc-0"));
        assertEquals(403, user.status(), "a user key may not delete a document");
        RingmemClient admin = RingmemClient.builder("http://127.0.0.1:" + coordinator.http.port()).apiKey(TestCoordinator.ADMIN_KEY).build();
        DocumentDeletion d = admin.deleteDocument("pg-doc-0");
        assertEquals("pg-doc-0", d.document());
        assertTrue(d.removed() >= 2, "token ids and the outcome: " + d);
        RingmemClientException gone = assertThrows(RingmemClientException.class, () -> admin.deleteDocument("pg-doc-0"));
        assertEquals(404, gone.status());
    }

    @Test
    void scoreJobThroughTheClient() {
        JobRequest request = JobRequest.builder("score").documents(DocumentInput.tokens("d1", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
                .workers(2).segmentTokens(4).tokenNll(true).build();
        JobStatus submitted = client.submit(request);
        assertEquals(JobState.QUEUED, submitted.state());
        assertEquals(2, submitted.workers());
        List<JobStatus> seen = new ArrayList<>();
        JobStatus done = client.awaitCompletion(submitted.id(), Duration.ofSeconds(60), seen::add);
        assertEquals(JobState.SUCCEEDED, done.state(), String.valueOf(done.error()));
        assertEquals(new JobStatus.Progress(1, 1, 3, 3, 1.0), done.progress());
        assertEquals(done, seen.getLast(), "the final status is reported too");
        assertEquals(submitted.id(), client.status(submitted.id()).id());
        assertTrue(client.list().stream().anyMatch(s -> s.id().equals(submitted.id())));

        DocumentsResult r = assertInstanceOf(DocumentsResult.class, client.result(submitted.id()));
        assertEquals("score", r.task());
        assertEquals(2, r.workers());
        DocumentResult d = r.documents().getFirst();
        assertEquals("d1", d.id());
        assertEquals(10, d.tokens());
        assertEquals(3, d.segments().size());
        double[] expected = new double[9];
        double mean = 0;
        for (int i = 0; i < 9; i++) {
            expected[i] = FakeGateway.nllAt(i);
            mean += expected[i] / 9;
        }
        assertArrayEquals(expected, d.nll(), 1e-12);
        assertEquals(mean, d.meanNll(), 1e-12);
        assertEquals(JobState.SUCCEEDED, client.cancel(submitted.id()).state(), "cancelling a finished job changes nothing");
    }

    @Test
    void askAndGenerateResultsAreTyped() {
        JobStatus gen = client.submit(JobRequest.builder("generate").prompt("Once").maxTokens(3).build());
        assertEquals(JobState.SUCCEEDED, client.awaitCompletion(gen.id(), Duration.ofSeconds(60), s -> { }).state());
        GenerateResult g = assertInstanceOf(GenerateResult.class, client.result(gen.id()));
        assertEquals(model.tokenizer().decode(new int[]{147, 201, 282}), g.text());
        assertArrayEquals(new int[]{147, 201, 282}, g.ids());

        JobStatus ask = client.submit(JobRequest.builder("ask").question("Who?").documents(DocumentInput.ref("d1")).build());
        assertEquals(JobState.SUCCEEDED, client.awaitCompletion(ask.id(), Duration.ofSeconds(60), s -> { }).state());
        AskResult a = assertInstanceOf(AskResult.class, client.result(ask.id()));
        assertEquals(model.tokenizer().decode(new int[]{147, 201}), a.documents().getFirst().answer());
    }

    @Test
    void refusalsAndFailuresCarryTheServersMessage() {
        RingmemClientException bad = assertThrows(RingmemClientException.class,
                () -> client.submit(JobRequest.builder("score").documents(DocumentInput.tokens("x", 1, 2)).kvKeepRatio(2.0).build()));
        assertEquals(400, bad.status());
        assertEquals("kvKeepRatio must be in (0, 1], got 2.0", bad.getMessage());
        RingmemClientException unknown = assertThrows(RingmemClientException.class, () -> client.status("job-nope"));
        assertEquals(404, unknown.status());
        assertEquals("no job 'job-nope'", unknown.getMessage());

        JobStatus failed = client.submit(JobRequest.builder("score").documents(DocumentInput.tokens("bad", 1, 2, 3)).build());
        JobStatus end = client.awaitCompletion(failed.id(), Duration.ofSeconds(60), s -> { });
        assertEquals(JobState.FAILED, end.state());
        assertEquals("IllegalStateException: cannot read document", end.error());
        RingmemClientException noResult = assertThrows(RingmemClientException.class, () -> client.result(failed.id()));
        assertEquals(409, noResult.status());
        assertTrue(noResult.getMessage().endsWith("it has no result"), noResult.getMessage());
    }

    @Test
    void workersAndHealth() {
        RingmemClient admin = RingmemClient.builder("http://127.0.0.1:" + coordinator.http.port()).apiKey(TestCoordinator.ADMIN_KEY).build();
        assertEquals(List.of("worker-1", "worker-2"), admin.workers().stream().map(w -> w.name()).toList());
        RingmemClientException user = assertThrows(RingmemClientException.class, client::workers);
        assertEquals(403, user.status(), "the ring addresses are for admin keys only");
        assertTrue(client.health());
    }
}

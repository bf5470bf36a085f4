package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Requests the coordinator must refuse with a 4xx and {@code {"error": ...}}, changing nothing: an unknown model,
 * an empty document, a document over {@code --max-document-tokens} (1000 here), malformed JSON, an unknown task;
 * and unknown job ids answered 404. A document of exactly the limit is accepted, so the limit is what refuses
 * the longer one.
 */
@Testcontainers(disabledWithoutDocker = true)
class BadRequestIT {
    private static final int MAX_DOCUMENT_TOKENS = 1000;

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(1, "--max-document-tokens", String.valueOf(MAX_DOCUMENT_TOKENS));

    static Stream<Arguments> badRequests() {
        HfReference ref = HfReference.tinyStories512();
        int[] tooLong = Arrays.copyOf(ref.repeated(2), MAX_DOCUMENT_TOKENS + 1);
        return Stream.of(
                Arguments.of("unknown model", JobRequests.score(1, 2048, JobRequests.text("d", "Once upon a time"))
                        .put("model", "no-such-model").toString()),
                Arguments.of("empty document", JobRequests.score(1, 2048, JobRequests.text("d", "")).toString()),
                Arguments.of("document over the limit", JobRequests.score(1, 2048, JobRequests.tokens("d", tooLong)).toString()),
                Arguments.of("malformed JSON", "{\"task\": \"score\", \"documents\": [{\"id\": \"d\", \"text\": \"Once"),
                Arguments.of("unknown task", JobRequests.score(1, 2048, JobRequests.text("d", "Once upon a time"))
                        .put("task", "translate").toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedWithAnErrorAndChangesNothing(String what, String body) throws Exception {
        RestClient rest = cluster.rest();
        int jobsBefore = rest.jobs().size();
        RestClient.Response r = rest.post("/v1/jobs", body);
        assertTrue(r.status() >= 400 && r.status() < 500, what + ": answered " + r.status() + " " + r.body());
        assertNotNull(r.error(), what + ": no {\"error\": ...} in " + r.body());
        assertFalse(r.error().isBlank(), what + ": empty error message");
        assertEquals(jobsBefore, rest.jobs().size(), what + ": a refused request created a job");
    }

    @Test
    void aDocumentOfExactlyTheLimitIsAccepted() throws Exception {
        int[] ids = Arrays.copyOf(HfReference.tinyStories512().repeated(2), MAX_DOCUMENT_TOKENS);
        String id = cluster.rest().submit(JobRequests.score(1, 2048, JobRequests.tokens("d", ids))).path("id").asText();
        assertFalse(id.isBlank(), "no job id");
    }

    @Test
    void unknownJobsAreNotFound() throws Exception {
        RestClient rest = cluster.rest();
        for (String path : new String[]{"/v1/jobs/no-such-job", "/v1/jobs/no-such-job/result"}) {
            RestClient.Response r = rest.get(path);
            assertEquals(404, r.status(), path + ": " + r.body());
            assertNotNull(r.error(), path + ": no {\"error\": ...} in " + r.body());
        }
    }
}

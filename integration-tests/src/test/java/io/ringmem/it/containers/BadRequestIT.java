package io.ringmem.it.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import io.ringmem.it.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests the coordinator must refuse with a 4xx and {@code {"error": ...}}, changing nothing: an unknown model,
 * an empty document, a document over {@code --max-document-tokens} (1000 here), malformed JSON, an unknown task;
 * and unknown job ids answered 404. A document of exactly the limit is accepted, so the limit is what refuses
 * the longer one.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers
class BadRequestIT {
    private static final int MAX_DOCUMENT_TOKENS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(1, "--max-document-tokens", String.valueOf(MAX_DOCUMENT_TOKENS));

    private static JobRequest score(DocumentInput doc) {
        return JobRequest.builder("score").workers(1).segmentTokens(2048).documents(doc).build();
    }

    private static String body(JobRequest request) {
        return JSON.valueToTree(request).toString();
    }

    static Stream<Arguments> badRequests() {
        HfReference ref = HfReference.tinyStories512();
        int[] tooLong = Arrays.copyOf(ref.repeated(2), MAX_DOCUMENT_TOKENS + 1);
        ObjectNode translate = JSON.valueToTree(score(DocumentInput.text("d", "Once upon a time")));
        return Stream.of(
                Arguments.of("unknown model", body(JobRequest.builder("score").model("no-such-model").workers(1)
                        .documents(DocumentInput.text("d", "Once upon a time")).build())),
                Arguments.of("empty document", body(score(DocumentInput.text("d", "")))),
                Arguments.of("document over the limit", body(score(DocumentInput.tokens("d", tooLong)))),
                Arguments.of("malformed JSON", "{\"task\": \"score\", \"documents\": [{\"id\": \"d\", \"text\": \"Once"),
                Arguments.of("unknown task", translate.put("task", "translate").toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedWithAnErrorAndChangesNothing(String what, String body) throws Exception {
        RingmemClient client = cluster.client();
        int jobsBefore = client.list().size();
        RawHttp.Response r = cluster.http().post("/v1/jobs", body);
        assertTrue(r.status() >= 400 && r.status() < 500, what + ": answered " + r.status() + " " + r.body());
        assertNotNull(r.error(), what + ": no {\"error\": ...} in " + r.body());
        assertFalse(r.error().isBlank(), what + ": empty error message");
        assertEquals(jobsBefore, client.list().size(), what + ": a refused request created a job");
    }

    @Test
    void aDocumentOfExactlyTheLimitIsAccepted() {
        int[] ids = Arrays.copyOf(HfReference.tinyStories512().repeated(2), MAX_DOCUMENT_TOKENS);
        String id = cluster.client().submit(score(DocumentInput.tokens("d", ids))).id();
        assertFalse(id.isBlank(), "no job id");
    }

    @Test
    void requestsWithoutAKeyAre401AndChangeNothing() throws Exception {
        RingmemClient client = cluster.client();
        int jobsBefore = client.list().size();
        RawHttp.Response submit = cluster.outsider().post("/v1/jobs", body(score(DocumentInput.text("d", "Once upon a time"))));
        assertEquals(401, submit.status(), submit.body());
        assertTrue(submit.error().startsWith("authentication required"), submit.body());
        for (String path : List.of("/v1/jobs", "/v1/workers", "/v1/cluster", "/metrics")) {
            assertEquals(401, cluster.outsider().get(path).status(), path);
        }
        assertEquals(200, cluster.outsider().get("/health/ready").status(), "the probes stay open");
        RingmemClientException wrong = assertThrows(RingmemClientException.class, () -> RingmemClient.builder(client.base().toString())
                .apiKey("not-the-key-0123456789abcdef0123").build().list());
        assertEquals(401, wrong.status());
        assertEquals(jobsBefore, client.list().size(), "a refused request created a job");
    }

    @Test
    void unknownJobsAreNotFound() {
        RingmemClient client = cluster.client();
        RingmemClientException status = assertThrows(RingmemClientException.class, () -> client.status("no-such-job"));
        assertEquals(404, status.status(), status.getMessage());
        RingmemClientException result = assertThrows(RingmemClientException.class, () -> client.result("no-such-job"));
        assertEquals(404, result.status(), result.getMessage());
    }
}

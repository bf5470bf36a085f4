package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A coordinator and three workers in containers score through the REST API exactly as Hugging Face transformers
 * does: the 512-token tinystories-656k reference text on a ring of three, and a job of several documents.
 */
@Testcontainers(disabledWithoutDocker = true)
class ClusterScoringIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(3);

    @Test
    void threeWorkersScoreTheReferenceTextLikeHuggingFace() throws Exception {
        HfReference ref = HfReference.tinyStories512();
        RestClient rest = cluster.rest();
        var request = JobRequests.score(3, ref.ids().length, JobRequests.tokens("reference", ref.ids()))
                .put("model", RingmemContainers.MODEL);
        String id = rest.submit(request).path("id").asText();

        JsonNode status = rest.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
        JsonNode result = rest.result(id);
        assertEquals(3, result.path("workers").asInt(), "ring size: " + result);
        JsonNode doc = JobRequests.document(result, "reference");
        assertEquals(ref.ids().length, doc.path("tokens").asInt());
        assertEquals(ref.meanNll(), doc.path("meanNll").asDouble(), HfReference.NLL_TOLERANCE, "mean NLL vs Hugging Face");
        assertEquals(Math.exp(doc.path("meanNll").asDouble()), doc.path("perplexity").asDouble(), 1e-6 * doc.path("perplexity").asDouble());
    }

    @Test
    void aJobOfSeveralDocumentsScoresEachOne() throws Exception {
        HfReference ref = HfReference.tinyStories512();
        int prefix = 200;
        RestClient rest = cluster.rest();
        var request = JobRequests.score(3, ref.ids().length,
                JobRequests.tokens("reference", ref.ids()),
                JobRequests.tokens("prefix", ref.prefix(prefix)),
                JobRequests.text("story", "Once upon a time, there was a little girl named Lily. She loved to play outside in the park."));
        String id = rest.submit(request).path("id").asText();

        JsonNode status = rest.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
        assertEquals(3, status.path("progress").path("documentsTotal").asInt(), status.toString());
        assertEquals(3, status.path("progress").path("documentsDone").asInt(), status.toString());

        JsonNode result = rest.result(id);
        assertEquals(3, result.path("documents").size(), result.toString());
        JsonNode full = JobRequests.document(result, "reference");
        assertEquals(ref.meanNll(), full.path("meanNll").asDouble(), HfReference.NLL_TOLERANCE);
        JsonNode head = JobRequests.document(result, "prefix");
        assertEquals(prefix, head.path("tokens").asInt());
        assertEquals(ref.prefixMeanNll(prefix), head.path("meanNll").asDouble(), HfReference.NLL_TOLERANCE,
                "a prefix scored alone has the reference's NLL at its positions");
        JsonNode story = JobRequests.document(result, "story");
        assertTrue(story.path("tokens").asInt() > 1, story.toString());
        double nll = story.path("meanNll").asDouble(Double.NaN);
        assertTrue(Double.isFinite(nll) && nll > 0, "mean NLL of the text document: " + story);

        boolean listed = false;
        for (JsonNode job : rest.jobs()) listed |= id.equals(job.path("id").asText());
        assertTrue(listed, "GET /v1/jobs does not list job " + id);
    }
}

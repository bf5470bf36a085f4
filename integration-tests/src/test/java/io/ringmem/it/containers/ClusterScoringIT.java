package io.ringmem.it.containers;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator and three workers in containers score through the REST API exactly as Hugging Face transformers
 * does: the 512-token tinystories-656k reference text on a ring of three, and a job of several documents.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers
class ClusterScoringIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Container
    static final RingmemCluster cluster = RingmemCluster.of(3);

    @Test
    void threeWorkersScoreTheReferenceTextLikeHuggingFace() {
        HfReference ref = HfReference.tinyStories512();
        RingmemClient client = cluster.client();
        JobRequest request = JobRequest.builder("score").model(RingmemContainers.MODEL).workers(3).segmentTokens(ref.ids().length)
                .documents(DocumentInput.tokens("reference", ref.ids())).build();
        String id = client.submit(request).id();

        JobStatus status = JobPolls.awaitTerminal(client, id, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        JobResult result = client.result(id);
        assertEquals(3, ((DocumentsResult) result).workers(), "ring size: " + result);
        DocumentResult doc = LongJobs.document(result, "reference");
        assertEquals(ref.ids().length, doc.tokens());
        assertEquals(ref.meanNll(), doc.meanNll(), HfReference.NLL_TOLERANCE, "mean NLL vs Hugging Face");
        assertEquals(Math.exp(doc.meanNll()), doc.perplexity(), 1e-6 * doc.perplexity());
    }

    @Test
    void aJobOfSeveralDocumentsScoresEachOne() {
        HfReference ref = HfReference.tinyStories512();
        int prefix = 200;
        RingmemClient client = cluster.client();
        JobRequest request = JobRequest.builder("score").workers(3).segmentTokens(ref.ids().length).documents(
                DocumentInput.tokens("reference", ref.ids()),
                DocumentInput.tokens("prefix", ref.prefix(prefix)),
                DocumentInput.text("story", "Once upon a time, there was a little girl named Lily. She loved to play outside in the park."))
                .build();
        String id = client.submit(request).id();

        JobStatus status = JobPolls.awaitTerminal(client, id, JOB_TIMEOUT);
        assertEquals(JobState.SUCCEEDED, status.state(), status.toString());
        assertEquals(3, status.progress().documentsTotal(), status.toString());
        assertEquals(3, status.progress().documentsDone(), status.toString());

        JobResult result = client.result(id);
        assertEquals(3, ((DocumentsResult) result).documents().size(), result.toString());
        DocumentResult full = LongJobs.document(result, "reference");
        assertEquals(ref.meanNll(), full.meanNll(), HfReference.NLL_TOLERANCE);
        DocumentResult head = LongJobs.document(result, "prefix");
        assertEquals(prefix, head.tokens());
        assertEquals(ref.prefixMeanNll(prefix), head.meanNll(), HfReference.NLL_TOLERANCE,
                "a prefix scored alone has the reference's NLL at its positions");
        DocumentResult story = LongJobs.document(result, "story");
        assertTrue(story.tokens() > 1, story.toString());
        assertTrue(Double.isFinite(story.meanNll()) && story.meanNll() > 0, "mean NLL of the text document: " + story);

        assertTrue(client.list().stream().anyMatch(j -> j.id().equals(id)), "GET /v1/jobs does not list job " + id);
    }
}

package io.ringmem.spark;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobResult;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import io.ringmem.segment.SegmentConfig;

import java.time.Duration;
import java.util.Locale;

/**
 * One document through the coordinator's REST API: a job of one document (named {@code doc}; the row keeps its own id),
 * submitted, awaited and collected with {@link Retry} on transient failures. A refusal of the document (4xx other than
 * 401/403) or a failed job is the row's error; an unreachable service after every retry, or a refused API key, fails
 * the task (Spark retries it, then fails the job with that message).
 */
final class ServiceCalls {
    private static final String DOC = "doc";

    private final RingmemClient client;
    private final AnalysisSpec spec;

    ServiceCalls(AnalysisSpec spec) {
        ServiceSettings s = spec.service();
        this.client = RingmemClient.builder(s.url()).apiKey(s.apiKey()).connectTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).build();
        this.spec = spec;
    }

    DocumentOutcome analyze(InputDocument doc) {
        if (doc.readError() != null) return DocumentOutcome.failed(doc.id(), doc.readError());
        if (doc.text() == null && doc.tokens() == null) return DocumentOutcome.failed(doc.id(), "the document is null");
        int attempts = spec.service().maxAttempts();
        JobStatus submitted;
        try {
            submitted = Retry.call(attempts, () -> client.submit(request(doc)));
        } catch (RingmemClientException e) {
            if (Retry.transientFailure(e) || e.status() == 401 || e.status() == 403) throw serviceFailure(e);
            return DocumentOutcome.failed(doc.id(), e.getMessage()); // the coordinator refused this document
        }
        try {
            JobStatus done = Retry.call(attempts, () -> client.awaitCompletion(submitted.id(), spec.service().jobTimeout(), s -> { }));
            if (done.state() != JobState.SUCCEEDED) {
                return DocumentOutcome.failed(doc.id(), "the service's job " + submitted.id() + " " + done.state().name().toLowerCase(
                        Locale.ROOT) + (done.error() == null ? "" : ": " + done.error()));
            }
            JobResult result = Retry.call(attempts, () -> client.result(submitted.id()));
            if (!(result instanceof DocumentsResult docs) || docs.documents().size() != 1) {
                throw new IllegalStateException("the service answered job " + submitted.id() + " with an unexpected result");
            }
            return outcome(doc.id(), docs.documents().get(0));
        } catch (RingmemClientException e) {
            throw serviceFailure(e);
        }
    }

    private IllegalStateException serviceFailure(RingmemClientException e) {
        return new IllegalStateException("ringmem service at " + spec.service().url() + ": " + e.getMessage(), e);
    }

    private DocumentOutcome outcome(String id, DocumentResult d) {
        return new DocumentOutcome(id, d.tokens(), d.meanNll(), d.segments() == null ? null : d.segments().size(), d.storeBytes(),
                d.compressionRatio(), spec.tokenNll() && d.nll() != null ? DocumentOutcome.floats(d.nll()) : null,
                spec.task() == AnalysisTask.EMBED ? d.embedding() : null, null);
    }

    JobRequest request(InputDocument doc) {
        SegmentConfig s = spec.segment();
        return JobRequest.builder(spec.task().apiName())
                .documents(doc.tokens() != null ? JobRequest.DocumentInput.tokens(DOC, doc.tokens())
                        : JobRequest.DocumentInput.text(DOC, doc.text()))
                .model(spec.modelName()).segmentTokens(s.segmentTokens()).kvCodec(s.codec()).retrieveTopK(s.retrieveTopK())
                .sinkTokens(s.sinkTokens()).windowTokens(s.windowTokens()).kvBlockTokens(s.blockTokens()).kvKeepRatio(s.keepRatio())
                .memoryTokens(s.memoryTokens()).positions(s.positions().wireName())
                .contextTokens(s.contextTokens() == 0 ? null : s.contextTokens()).tokenNll(spec.tokenNll()).build();
    }
}

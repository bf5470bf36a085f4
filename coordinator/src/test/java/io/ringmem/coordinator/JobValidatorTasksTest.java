package io.ringmem.coordinator;

import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JobValidator}: settings ranges, and the ask and generate tasks. */
class JobValidatorTasksTest extends ValidatorTestBase {
    // ---- refusals: settings ----

    @Test
    void workersOutOfRangeAreRefused() {
        refused(400, "workers must be in 1..8, got 0", score().workers(0));
        refused(400, "workers must be in 1..8, got -2", score().workers(-2));
        refused(400, "workers must be in 1..8, got 9", score().workers(9));
        assertEquals(1, valid(score().workers(1)).workers());
    }

    @Test
    void badSegmentSettingsAreRefused() {
        refused(400, "unknown kvCodec 'zip': use one of", score().kvCodec("zip"));
        refused(400, "unknown kvCodec 'INT8'", score().kvCodec("INT8"));
        refused(400, "segmentTokens must be >= 1, got 0", score().segmentTokens(0));
        refused(400, "windowTokens must be >= 0, got -1", score().windowTokens(-1));
        refused(400, "sinkTokens must be >= 0, got -1", score().sinkTokens(-1));
        refused(400, "retrieveTopK must be >= 0, got -1", score().retrieveTopK(-1));
        refused(400, "kvBlockTokens must be >= 1, got 0", score().kvBlockTokens(0));
        refused(400, "kvKeepRatio must be in (0, 1], got 0.0", score().kvKeepRatio(0.0));
        refused(400, "kvKeepRatio must be in (0, 1], got 1.5", score().kvKeepRatio(1.5));
        refused(400, "kvKeepRatio must be in (0, 1], got NaN", score().kvKeepRatio(Double.NaN));
    }

    @Test
    void maxTokensLimits() {
        refused(400, "maxTokens must be in 1..64, got 0", JobRequest.builder("generate").prompt("Once").maxTokens(0));
        refused(400, "maxTokens must be in 1..64, got 65", JobRequest.builder("generate").prompt("Once").maxTokens(65));
        refused(400, "maxTokens must be in 1..64, got 65", JobRequest.builder("ask").question("Who?")
                .documents(DocumentInput.ref("seen")).maxTokens(65));
        assertEquals(64, valid(JobRequest.builder("generate").prompt("Once").maxTokens(64)).maxTokens());
    }

    @Test
    void defaultMaxTokensNeverExceedsTheLimit() {
        // a coordinator allowing fewer than 32 new tokens must not refuse requests that never named maxTokens
        JobValidator small = new JobValidator(MODEL, vocab, tokenizer, new JobLimits(100, 3, 8, 16), d -> true);
        assertEquals(16, small.validate(JobRequest.builder("generate").prompt("Once").build(), "job-1").maxTokens());
        assertEquals(Task.SCORE, small.validate(JobRequest.builder("score").documents(DocumentInput.tokens("a", 1, 2)).build(),
                "job-1").task());
        refused(400, "maxTokens must be in 1..16, got 17", () -> small.validate(JobRequest.builder("generate").prompt("Once")
                .maxTokens(17).build(), "job-1"));
    }

    @Test
    void temperatureAndTopPBounds() {
        String msg = "temperature must be >= 0 and topP in (0, 1]";
        refused(400, msg, JobRequest.builder("generate").prompt("Once").temperature(-0.01));
        refused(400, msg, JobRequest.builder("generate").prompt("Once").temperature(Double.NaN));
        refused(400, msg, JobRequest.builder("generate").prompt("Once").topP(0.0));
        refused(400, msg, JobRequest.builder("generate").prompt("Once").topP(1.0001));
        refused(400, msg, JobRequest.builder("generate").prompt("Once").topP(-0.5));
        refused(400, msg, JobRequest.builder("generate").prompt("Once").topP(Double.NaN));
        JobSpec ok = valid(JobRequest.builder("generate").prompt("Once").temperature(0.0).topP(1.0));
        assertEquals(0.0, ok.temperature());
        assertEquals(1.0, ok.topP());
        assertEquals(2.5, valid(JobRequest.builder("generate").prompt("Once").temperature(2.5).topP(1e-6)).temperature());
    }

    // ---- ask ----

    @Test
    void askNamesProcessedDocuments() {
        JobSpec spec = valid(JobRequest.builder("ask").question("Who is Lily?").documents(DocumentInput.ref("seen"),
                DocumentInput.ref("seen-2")).maxTokens(10));
        assertEquals(Task.ASK, spec.task());
        assertEquals(List.of("seen", "seen-2"), spec.documents().stream().map(JobSpec.DocumentSpec::id).toList());
        for (JobSpec.DocumentSpec d : spec.documents()) assertEquals(0, d.ids().length);
        assertArrayEquals(tokenizer.encode("Who is Lily?"), spec.question(), "the question has no BOS: it follows the document");
        assertEquals(10, spec.maxTokens());
    }

    @Test
    void askWithoutQuestionIsRefused() {
        refused(400, "an ask job needs a non-empty \"question\"", JobRequest.builder("ask").documents(DocumentInput.ref("seen")));
        refused(400, "an ask job needs a non-empty \"question\"", JobRequest.builder("ask").question("   ")
                .documents(DocumentInput.ref("seen")));
    }

    @Test
    void askWithoutDocumentsIsRefused() {
        refused(400, "\"documents\" is missing or empty", JobRequest.builder("ask").question("Who?"));
    }

    @Test
    void askOnAnUnprocessedDocumentIs404() {
        List<String> asked = new ArrayList<>();
        JobValidator v = new JobValidator(MODEL, vocab, tokenizer, LIMITS, id -> {
            asked.add(id);
            return id.equals("seen");
        });
        refused(404, "document 'fresh' has not been processed: run a score or embed job on it first",
                () -> v.validate(JobRequest.builder("ask").question("Who?").documents(DocumentInput.ref("seen"),
                        DocumentInput.ref("fresh")).build(), "job-1"));
        assertEquals(List.of("seen", "fresh"), asked, "the predicate decides, per document");
    }

    @Test
    void askWithContentIsRefused() {
        refused(400, "an ask job names processed documents by id only; document 'seen' has content",
                JobRequest.builder("ask").question("Who?").documents(DocumentInput.text("seen", "Lily")));
        refused(400, "names processed documents by id only", JobRequest.builder("ask").question("Who?")
                .documents(DocumentInput.tokens("seen", 1, 2)));
    }

    // ---- generate ----

    @Test
    void generateTakesAPromptWithBos() {
        JobSpec spec = valid(JobRequest.builder("generate").prompt("Once upon a time").maxTokens(5).temperature(0.5).seed(9L));
        assertEquals(Task.GENERATE, spec.task());
        assertTrue(spec.documents().isEmpty());
        int[] encoded = tokenizer.encode("Once upon a time");
        assertEquals(encoded.length + 1, spec.question().length);
        assertEquals(tokenizer.bos(), spec.question()[0]);
        assertArrayEquals(encoded, Arrays.copyOfRange(spec.question(), 1, spec.question().length));
        assertEquals(9L, spec.seed());
    }

    @Test
    void generateWithoutPromptIsRefused() {
        refused(400, "a generate job needs a non-empty \"prompt\"", JobRequest.builder("generate"));
        refused(400, "a generate job needs a non-empty \"prompt\"", JobRequest.builder("generate").prompt(""));
    }

    @Test
    void generateWithDocumentsIsRefused() {
        refused(400, "a generate job takes a \"prompt\", not documents", JobRequest.builder("generate").prompt("Once")
                .documents(DocumentInput.text("a", "b")));
        // an empty list is no documents
        assertEquals(Task.GENERATE, valid(JobRequest.builder("generate").prompt("Once").documents()).task());
    }

    @Test
    void tooLongPromptIs413() {
        String text = "Once upon a time ".repeat(40);
        int n = tokenizer.encode(text).length + 1;
        refused(413, "the prompt has " + n + " tokens, over this coordinator's limit of 100", JobRequest.builder("generate").prompt(text));
    }
}

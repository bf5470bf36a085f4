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
        refused(400, "segmentTokens must be in 1..131072, got 0", score().segmentTokens(0));
        refused(400, "windowTokens must be in 0..2048 (segmentTokens 2048), got -1", score().windowTokens(-1));
        refused(400, "sinkTokens must be in 0..2048 (segmentTokens 2048), got -1", score().sinkTokens(-1));
        refused(400, "retrieveTopK must be in 0..1024, got -1", score().retrieveTopK(-1));
        refused(400, "kvBlockTokens must be in 1..2048 (segmentTokens 2048), got 0", score().kvBlockTokens(0));
        refused(400, "kvKeepRatio must be in (0, 1], got 0.0", score().kvKeepRatio(0.0));
        refused(400, "kvKeepRatio must be in (0, 1], got 1.5", score().kvKeepRatio(1.5));
        refused(400, "kvKeepRatio must be in (0, 1], got NaN", score().kvKeepRatio(Double.NaN));
    }

    @Test
    void segmentSettingsHaveUpperBounds() {
        int max = Integer.MAX_VALUE;
        refused(400, "segmentTokens must be in 1..131072, got " + max, score().segmentTokens(max));
        refused(400, "retrieveTopK must be in 0..1024, got " + max, score().retrieveTopK(max));
        refused(400, "sinkTokens must be in 0..256 (segmentTokens 256), got 257", score().segmentTokens(256).sinkTokens(257));
        refused(400, "windowTokens must be in 0..256 (segmentTokens 256), got 300", score().segmentTokens(256).windowTokens(300));
        refused(400, "kvBlockTokens must be in 1..256 (segmentTokens 256), got 512", score().segmentTokens(256).kvBlockTokens(512));
        refused(400, "windowTokens must be in 0..2048 (segmentTokens 2048), got " + max, score().windowTokens(max));
        refused(400, "retrieveTopK * kvBlockTokens (1024 * 2048) must be at most 131072", score().retrieveTopK(1024).kvBlockTokens(2048));
        assertEquals(131_072, valid(score().segmentTokens(131_072).sinkTokens(131_072).windowTokens(131_072)
                .kvBlockTokens(128).retrieveTopK(1024)).settings().segmentTokens());
        // left out, sinks and blocks keep their defaults even when the segment is shorter (they are cut to it)
        assertEquals(64, valid(score().segmentTokens(2)).settings().blockTokens());
    }

    @Test
    void jobTokensAndWhatOneWorkerRunsAloneAreCapped() {
        JobValidator v = new JobValidator(MODEL, vocab, tokenizer, new JobLimits(100, 3, 8, 8, 150, 24, 4), d -> true);
        int[] sixty = new int[60];
        Arrays.fill(sixty, 5);
        refused(413, "the job has 180 tokens or more, over this coordinator's limit of 150 tokens per job (maxJobTokens, --max-job-tokens)",
                () -> v.validate(small("score").documents(DocumentInput.tokens("a", sixty), DocumentInput.tokens("b", sixty),
                        DocumentInput.tokens("c", sixty)).build(), "job-1"));
        assertEquals(2, v.validate(small("score").documents(DocumentInput.tokens("a", sixty),
                DocumentInput.tokens("b", sixty)).build(), "job-1").documents().size());
        refused(400, "segmentTokens must be in 1..24, got 2048", () -> v.validate(JobRequest.builder("generate").prompt("Once")
                .build(), "job-1"));
        refused(400, "retrieveTopK * kvBlockTokens (4 * 8) must be at most 24", () -> v.validate(JobRequest.builder("generate")
                .prompt("Once").segmentTokens(24).kvBlockTokens(8).build(), "job-1"));
        refused(413, "one worker runs alone (maxSegmentTokens)", () -> v.validate(small("generate").prompt(STORY + " " + STORY)
                .maxTokens(8).build(), "job-1"));
        refused(413, "the question has ", () -> v.validate(small("ask").question(STORY + " " + STORY + " " + STORY)
                .documents(DocumentInput.ref("seen")).maxTokens(8).build(), "job-1"));
        assertEquals(Task.GENERATE, v.validate(small("generate").prompt("Once upon a time").maxTokens(8).build(), "job-1").task());
    }

    /** Segment settings within {@code maxSegmentTokens} 24. */
    private static JobRequest.Builder small(String task) {
        return JobRequest.builder(task).segmentTokens(24).kvBlockTokens(4).retrieveTopK(2);
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
        refused(400, "temperature must be in 0..100, got -0.01", JobRequest.builder("generate").prompt("Once").temperature(-0.01));
        refused(400, "temperature must be in 0..100, got NaN", JobRequest.builder("generate").prompt("Once").temperature(Double.NaN));
        refused(400, "temperature must be in 0..100, got Infinity", JobRequest.builder("generate").prompt("Once")
                .temperature(Double.POSITIVE_INFINITY));
        refused(400, "temperature must be in 0..100, got 100.5", JobRequest.builder("generate").prompt("Once").temperature(100.5));
        refused(400, "topP must be in (0, 1], got 0.0", JobRequest.builder("generate").prompt("Once").topP(0.0));
        refused(400, "topP must be in (0, 1], got 1.0001", JobRequest.builder("generate").prompt("Once").topP(1.0001));
        refused(400, "topP must be in (0, 1], got -0.5", JobRequest.builder("generate").prompt("Once").topP(-0.5));
        refused(400, "topP must be in (0, 1], got NaN", JobRequest.builder("generate").prompt("Once").topP(Double.NaN));
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

package io.ringmem.coordinator;

import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.KvCodecs;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JobValidator} with the real tinystories-656k tokenizer: defaults, BOS handling, every refusal. */
class JobValidatorTest extends ValidatorTestBase {
    // ---- defaults and content ----

    @Test
    void scoreRequestGetsDefaults() {
        JobSpec spec = valid(score());
        assertEquals(Task.SCORE, spec.task());
        assertEquals(0, spec.workers(), "no workers asked: 0 means every ready worker");
        SegmentConfig s = spec.settings();
        assertEquals(SegmentConfig.DEFAULT_SEGMENT_TOKENS, s.segmentTokens());
        assertEquals(2048, s.segmentTokens());
        assertEquals("int8", s.codec());
        assertEquals(512, s.windowTokens(), "min(512, 2048 / 4)");
        assertEquals(4, s.sinkTokens());
        assertEquals(4, s.retrieveTopK());
        assertEquals(64, s.blockTokens());
        assertEquals(0, s.residualTokens());
        assertTrue(s.memoryTokens());
        assertEquals(1.0, s.keepRatio());
        assertEquals(SegmentConfig.of(2048), s, "the REST defaults are SegmentConfig's");
        assertEquals(32, spec.maxTokens());
        assertEquals(0.0, spec.temperature());
        assertEquals(1.0, spec.topP());
        assertEquals(0L, spec.seed());
        assertFalse(spec.tokenNll());
        assertEquals(0, spec.question().length);
    }

    @Test
    void positionsDefaultToAutoWithTheModelsContextAndBadOnesAreRefused() {
        JobValidator withContext = new JobValidator(MODEL, vocab, tokenizer, LIMITS, id -> false, 512);
        SegmentConfig s = withContext.validate(score().build(), "job-1").settings();
        assertEquals(Positions.AUTO, s.positions());
        assertEquals(512, s.contextTokens(), "the model's trained context");
        assertEquals(Positions.WINDOW, s.resolvedFor(513, 0).positions());
        assertEquals(Positions.DOCUMENT, s.resolvedFor(512, 0).positions());
        assertEquals(64, withContext.validate(score().contextTokens(64).build(), "job-2").settings().contextTokens());
        refused(400, "unknown positions 'sliding': use one of auto, window, document", score().positions("sliding"));
        refused(400, "contextTokens must be >= 1, got 0", score().contextTokens(0));
    }

    @Test
    void retrievalIndexDefaultsToFlatAndBadOnesAreRefused() {
        assertEquals(IndexLayout.FLAT, validator().validate(score().build(), "job-1").settings().retrievalIndex());
        SegmentConfig two = validator().validate(score().retrievalIndex("two-level").indexSegments(16).build(), "job-2").settings();
        assertEquals(IndexLayout.TWO_LEVEL, two.retrievalIndex());
        assertEquals(16, two.indexSegments());
        refused(400, "unknown retrievalIndex 'tree': use one of flat, two-level", score().retrievalIndex("tree"));
        refused(400, "indexSegments", score().indexSegments(-1));
    }

    @Test
    void windowDefaultsToAQuarterSegmentUpTo512() {
        assertEquals(25, valid(score().segmentTokens(100)).settings().windowTokens());
        assertEquals(0, valid(score().segmentTokens(3)).settings().windowTokens());
        assertEquals(512, valid(score().segmentTokens(4096)).settings().windowTokens());
        assertEquals(511, valid(score().segmentTokens(2044)).settings().windowTokens());
    }

    @Test
    void givenSettingsAreKept() {
        JobSpec spec = valid(score().workers(8).segmentTokens(128).kvCodec("none").retrieveTopK(1000).sinkTokens(0)
                .windowTokens(128).kvBlockTokens(32).kvKeepRatio(0.25).memoryTokens(false).maxTokens(64).temperature(0.7)
                .topP(0.9).seed(42L).tokenNll(true).positions("window").contextTokens(300));
        assertEquals(8, spec.workers());
        assertEquals(new SegmentConfig(128, 0, 128, 32, "none", 1000, 0, false, 0.25, Positions.WINDOW, 300), spec.settings());
        assertEquals(64, spec.maxTokens());
        assertEquals(0.7, spec.temperature());
        assertEquals(0.9, spec.topP());
        assertEquals(42L, spec.seed());
        assertTrue(spec.tokenNll());
        for (String codec : KvCodecs.NAMES) assertEquals(codec, valid(score().kvCodec(codec)).settings().codec());
    }

    @Test
    void textGetsBosAndTokensAreUsedAsGiven() {
        JobSpec spec = valid(JobRequest.builder("embed").model(MODEL).documents(DocumentInput.text("t", STORY),
                DocumentInput.tokens("k", 5, 6, 7)));
        assertEquals(Task.EMBED, spec.task());
        int[] encoded = tokenizer.encode(STORY);
        assertTrue(encoded.length > 5);
        int[] expected = new int[encoded.length + 1];
        expected[0] = tokenizer.bos();
        System.arraycopy(encoded, 0, expected, 1, encoded.length);
        assertEquals(2, spec.documents().size());
        assertEquals("t", spec.documents().get(0).id());
        assertArrayEquals(expected, spec.documents().get(0).ids());
        assertEquals("k", spec.documents().get(1).id());
        assertArrayEquals(new int[]{5, 6, 7}, spec.documents().get(1).ids(), "tokens are used as given, no BOS added");
    }

    @Test
    void referenceTokenizationOfAStory() {
        // hf-transformers-reference.json, tokenizer656: "Once upon a time, ..." with BOS
        int[] ids = valid(score()).documents().getFirst().ids();
        assertArrayEquals(new int[]{1, 80, 147, 201, 282, 215, 286, 598, 629, 10}, Arrays.copyOf(ids, 10));
    }

    @Test
    void documentsWithoutIdGetOneFromTheJob() {
        JobSpec spec = valid(JobRequest.builder("score").documents(DocumentInput.tokens(null, 1, 2), DocumentInput.tokens(null, 3, 4)));
        assertEquals("job-1234-doc-0", spec.documents().get(0).id());
        assertEquals("job-1234-doc-1", spec.documents().get(1).id());
    }

    @Test
    void taskNamesAreCaseInsensitive() {
        assertEquals(Task.SCORE, valid(score().model(null)).task());
        assertEquals(Task.SCORE, valid(JobRequest.builder(" Score ").documents(DocumentInput.tokens("a", 1, 2))).task());
        assertEquals(Task.EMBED, valid(JobRequest.builder("EMBED").documents(DocumentInput.tokens("a", 1, 2))).task());
    }

    @Test
    void documentAtTheLimitsIsAccepted() {
        int[] hundred = new int[100];
        hundred[99] = vocab - 1;
        JobSpec spec = valid(JobRequest.builder("score").documents(DocumentInput.tokens("a", hundred), DocumentInput.tokens("b", 0,
                0), DocumentInput.tokens("c", 1, 2)));
        assertEquals(3, spec.documents().size());
        assertEquals(100, spec.documents().getFirst().ids().length);
    }

    // ---- refusals: task, model, documents ----

    @Test
    void emptyRequestIsRefused() {
        refused(400, "request body is empty", () -> validator().validate(null, "job-1"));
    }

    @Test
    void missingOrUnknownTaskIsRefused() {
        refused(400, "\"task\" is missing", JobRequest.builder(null).documents(DocumentInput.tokens("a", 1, 2)));
        refused(400, "unknown task 'summarize'", JobRequest.builder("summarize").documents(DocumentInput.tokens("a", 1, 2)));
        refused(400, "use score, embed, ask or generate", JobRequest.builder("").documents(DocumentInput.tokens("a", 1, 2)));
    }

    @Test
    void unknownModelIs404() {
        ApiException e = refused(404, "unknown model 'llama-70b'", score().model("llama-70b"));
        assertTrue(e.getMessage().contains(MODEL), e.getMessage());
    }

    @Test
    void missingDocumentsAreRefused() {
        refused(400, "\"documents\" is missing or empty", JobRequest.builder("score"));
        refused(400, "\"documents\" is missing or empty", JobRequest.builder("embed").documents());
        refused(400, "document 1 is null", JobRequest.builder("score").documents(DocumentInput.tokens("a", 1, 2), null));
    }

    @Test
    void documentNeedsExactlyOneOfTextAndTokens() {
        refused(400, "document 'both' needs exactly one of \"text\" or \"tokens\"",
                JobRequest.builder("score").documents(new DocumentInput("both", "hi there", new int[]{1, 2})));
        refused(400, "document 'none' needs exactly one of \"text\" or \"tokens\"", JobRequest.builder("score")
                .documents(DocumentInput.ref("none")));
    }

    @Test
    void blankTextIsRefused() {
        refused(400, "document 'x' is empty", JobRequest.builder("score").documents(DocumentInput.text("x", "")));
        refused(400, "document 'x' is empty", JobRequest.builder("score").documents(DocumentInput.text("x", " \n\t ")));
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefused() {
        refused(400, "document 'v' has token id 2048 outside the vocabulary (0..2047)", JobRequest.builder("score")
                .documents(DocumentInput.tokens("v", 1, 2048)));
        refused(400, "document 'v' has token id -1 outside the vocabulary", JobRequest.builder("score")
                .documents(DocumentInput.tokens("v", -1, 5)));
    }

    @Test
    void oneTokenDocumentsAreRefused() {
        refused(400, "document 'one' has 1 token(s); scoring needs at least 2", JobRequest.builder("score")
                .documents(DocumentInput.tokens("one", 7)));
        refused(400, "document 'zero' has 0 token(s)", JobRequest.builder("score").documents(DocumentInput.tokens("zero")));
    }

    @Test
    void tooManyDocumentsIs413WithTheLimit() {
        refused(413, "4 documents exceed this coordinator's limit of 3", JobRequest.builder("score").documents(
                DocumentInput.tokens("a", 1, 2), DocumentInput.tokens("b", 1, 2), DocumentInput.tokens("c", 1, 2),
                        DocumentInput.tokens("d", 1, 2)));
    }

    @Test
    void tooManyTokensIs413WithTheLimit() {
        refused(413, "document 'long' has 101 tokens, over this coordinator's limit of 100",
                JobRequest.builder("score").documents(DocumentInput.tokens("long", new int[101])));
        // text: BOS + the encoded text counts
        String text = "Once upon a time ".repeat(40);
        int n = tokenizer.encode(text).length + 1;
        assertTrue(n > 100);
        refused(413, "document 'txt' has " + n + " tokens, over this coordinator's limit of 100", JobRequest.builder("score")
                .documents(DocumentInput.text("txt", text)));
    }

    @Test
    void duplicateDocumentIdsAreRefused() {
        refused(400, "document id 'a' appears twice in the job", JobRequest.builder("score").documents(DocumentInput.tokens("a", 1,
                2), DocumentInput.tokens("a", 3, 4)));
        refused(400, "document id 'seen' appears twice", JobRequest.builder("ask").question("Who?")
                .documents(DocumentInput.ref("seen"), DocumentInput.ref("seen")));
    }

    @Test
    void badDocumentIdsAreRefused() {
        for (String id : new String[]{"", "a b", "-lead", ".dot", "a/b", "a#1", "dé", "x".repeat(201)}) {
            refused(400, "is not valid: use letters, digits", JobRequest.builder("score").documents(DocumentInput.tokens(id, 1, 2)));
        }
        for (String id : new String[]{"a", "A-b_c.d:e", "0", "x".repeat(200)}) {
            assertEquals(id, valid(JobRequest.builder("score").documents(DocumentInput.tokens(id, 1, 2))).documents().getFirst().id());
        }
    }
}

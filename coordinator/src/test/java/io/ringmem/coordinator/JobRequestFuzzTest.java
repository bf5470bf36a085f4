package io.ringmem.coordinator;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringmem.TestData;
import io.ringmem.api.JobRequest;
import io.ringmem.fuzz.FuzzContract;
import io.ringmem.fuzz.SeedMutants;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the REST job path short of HTTP: a request body parsed by {@link RestApi#parse(java.io.InputStream)} (strict
 * JSON, body limit) and validated by {@link JobValidator} with the real tinystories-656k tokenizer. Contract: a
 * {@link JobSpec} whose every document and setting is within the limits, or an {@link ApiException} with a 4xx status
 * and a one-line message; allocation within {@link FuzzContract}'s budget. Seeds: one job of each task.
 */
class JobRequestFuzzTest {
    private static final int MAX_BODY = 64 << 10;
    private static final JobLimits LIMITS = new JobLimits(4096, 4, 8, 64, 8192, 2048, 16);
    private static LoadedModel model;
    private static JobValidator validator;
    private static RestApi api;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(TestData.tinystories656k(), null);
        validator = new JobValidator("tinystories-656k", model.config().vocabSize(), model.tokenizer(), LIMITS,
                Set.of("seen")::contains);
        api = new RestApi(null, line -> { }, MAX_BODY);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The default suite's share of fuzzing: 2000 deterministic mutants of the seeds, under the same contract. */
    @Test
    void holdsOnMutatedSeeds() throws Exception {
        SeedMutants.run(parsesAndValidates(), 2000, this::parsesAndValidates);
    }

    @Timeout(60)
    @MethodSource
    @FuzzTest(maxDuration = "10s")
    void parsesAndValidates(byte[] body) throws Exception {
        FuzzContract.check(body.length, e -> e instanceof ApiException a && a.status() >= 400 && a.status() < 500, () -> {
            JobRequest r = api.parse(new ByteArrayInputStream(body));
            JobSpec spec = validator.validate(r, "job-fuzz");
            long tokens = 0;
            for (JobSpec.DocumentSpec d : spec.documents()) {
                tokens += d.ids().length;
                assertTrue(d.ids().length <= LIMITS.maxDocumentTokens(), "document over the limit");
                for (int t : d.ids()) assertTrue(t >= 0 && t < model.config().vocabSize(), "token id " + t);
            }
            assertTrue(tokens <= LIMITS.maxJobTokens() && spec.documents().size() <= LIMITS.maxDocuments(), "job over the limits");
            assertTrue(spec.settings().segmentTokens() <= LIMITS.maxSegmentTokens(), "segment over the limit");
        });
    }

    static Stream<Arguments> parsesAndValidates() {
        return Stream.of(
                """
                {"task": "score", "documents": [{"id": "d-1", "text": "Once upon a time, there was a cat."},
                 {"tokens": [1, 5, 9, 200]}], "workers": 2, "segmentTokens": 64, "kvCodec": "int8", "retrieveTopK": 2,
                 "sinkTokens": 4, "windowTokens": 16, "kvBlockTokens": 8, "kvKeepRatio": 0.5, "memoryTokens": true,
                 "tokenNll": true}""",
                """
                {"task": "ask", "documents": [{"id": "seen"}], "question": "Who was there?", "maxTokens": 8,
                 "temperature": 0.7, "topP": 0.9, "seed": 42}""",
                """
                {"task": "generate", "prompt": "Lily went", "model": "tinystories-656k", "maxTokens": 16}""",
                """
                {"task": "embed", "documents": [{"text": "A dog."}]}""")
                .map(s -> Arguments.of((Object) s.getBytes(StandardCharsets.UTF_8)));
    }
}

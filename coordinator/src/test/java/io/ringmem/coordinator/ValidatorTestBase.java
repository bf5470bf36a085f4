package io.ringmem.coordinator;

import io.ringmem.TestData;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import io.ringmem.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.function.Executable;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared fixture of the {@link JobValidator} tests: the real tinystories-656k tokenizer and small limits. */
abstract class ValidatorTestBase {
    static final String MODEL = "tinystories-656k";
    static final String STORY = "Once upon a time, there was a little girl named Lily.";
    static LoadedModel loaded;
    static Tokenizer tokenizer;
    static int vocab;

    @BeforeAll
    static void load() {
        loaded = ModelLoader.load(TestData.tinystories656k(), null);
        tokenizer = loaded.tokenizer();
        vocab = loaded.config().vocabSize();
        assertEquals(2048, vocab);
        assertEquals(1, tokenizer.bos());
    }

    @AfterAll
    static void close() {
        loaded.close();
    }

    /** Limits small enough to reach: 100 tokens per document, 3 documents, 8 workers, 64 new tokens. */
    static final JobLimits LIMITS = new JobLimits(100, 3, 8, 64);

    static JobValidator validator() {
        return new JobValidator(MODEL, vocab, tokenizer, LIMITS, Set.of("seen", "seen-2")::contains);
    }

    static JobSpec valid(JobRequest.Builder j) {
        return validator().validate(j.build(), "job-1234");
    }

    static ApiException refused(int status, String fragment, JobRequest.Builder j) {
        return refused(status, fragment, () -> validator().validate(j.build(), "job-1234"));
    }

    static ApiException refused(int status, String fragment, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        return e;
    }

    static JobRequest.Builder score() {
        return JobRequest.builder("score").documents(DocumentInput.text("story", STORY));
    }
}

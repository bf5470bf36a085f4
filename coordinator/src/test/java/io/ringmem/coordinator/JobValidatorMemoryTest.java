package io.ringmem.coordinator;

import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobRequest;
import io.ringmem.segment.MemoryNeed;
import io.ringmem.segment.SegmentConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JobValidator#withMemoryBudget}: a score or embed job over the memory budget is refused (413) before anything is stored. */
class JobValidatorMemoryTest extends ValidatorTestBase {
    private static final JobLimits ROOMY = new JobLimits(1 << 22, 3, 8, 64);

    private static JobValidator budget(boolean storeHere, long bytes) {
        return new JobValidator(MODEL, vocab, tokenizer, ROOMY, Set.of()::contains, 512)
                .withMemoryBudget(new JobValidator.MemoryBudget(loaded.config(), storeHere, () -> bytes, "add workers"));
    }

    private static JobRequest.Builder doc(int tokens) {
        int[] ids = new int[tokens];
        Arrays.fill(ids, 100);
        return JobRequest.builder("score").documents(DocumentInput.tokens("d", ids)).segmentTokens(256);
    }

    @Test
    void aJobOverTheHeapIsRefusedWithWhatItNeeds() {
        MemoryNeed need = MemoryNeed.segments(loaded.config(), SegmentConfig.of(256), 1 << 20, 1, true);
        budget(true, need.heapBytes()).validate(doc(1 << 20).build(), "job-1"); // exactly the need: accepted
        refused(413, "segments mode over 1,048,576 tokens needs about " + MemoryNeed.size(need.heapBytes()),
                () -> budget(true, need.heapBytes() - 1).validate(doc(1 << 20).build(), "job-1"));
    }

    @Test
    void aJobOverTheStoreCapacityIsRefusedNamingIt() {
        long store = MemoryNeed.storeBytes(loaded.config(), SegmentConfig.of(256), 1 << 20);
        assertEquals(store, MemoryNeed.segments(loaded.config(), SegmentConfig.of(256), 1 << 20, 2, false).storeBytes());
        budget(false, 2 * store).validate(doc(1 << 20).build(), "job-1");
        ApiException e = refused(413, "over the store's capacity of " + MemoryNeed.size(store) + ": add workers",
                () -> budget(false, store).validate(doc(1 << 20).build(), "job-1"));
        assertTrue(e.getMessage().contains("writes " + MemoryNeed.size(store) + " of KV blocks"), e.getMessage());
    }

    @Test
    void anUnknownBudgetChecksNothingAndOtherTasksAreNotChecked() {
        budget(true, 0).validate(doc(1 << 20).build(), "job-1");
        budget(true, 1).validate(JobRequest.builder("generate").prompt(STORY).build(), "job-1");
    }
}

package io.ringmem.fuzz;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every fuzz target of this project asserts (docs/security.md#fuzzing): on arbitrary bytes a parser
 * either returns a result or throws the exception it documents, with a one-line message; it never throws anything
 * else (an {@link OutOfMemoryError}, an {@code IllegalArgumentException}, an index error...) and never allocates
 * more than {@link #allocationBudget} bytes for an input of a given length, so a short input cannot make it reserve
 * memory that the input does not hold. A hang is caught by the fuzz test's {@code @Timeout}, which Jazzer turns into
 * libFuzzer's per-input {@code -timeout}.
 *
 * <p>The allocation measure is the calling thread's allocated bytes (HotSpot's {@code getCurrentThreadAllocatedBytes}),
 * so a target must do its work on the calling thread.
 */
public final class FuzzContract {
    /** Bytes a parser may allocate per input byte (Java object overhead of trees and strings included). */
    public static final long BYTES_PER_INPUT_BYTE = 256;
    /** Bytes a parser may allocate whatever the input (fixed buffers, JIT-independent setup). */
    public static final long FIXED_BYTES = 32L << 20;

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzContract() {
    }

    /** The most a parser may allocate for an input of {@code inputBytes} bytes. */
    public static long allocationBudget(long inputBytes) {
        return FIXED_BYTES + BYTES_PER_INPUT_BYTE * inputBytes;
    }

    /** What a target does with one input; may throw anything, which {@link #check} then judges. */
    @FunctionalInterface
    public interface Target {
        void run() throws Exception;
    }

    /**
     * Runs {@code target} on an input of {@code inputBytes} bytes and fails unless it returns, or throws an exception
     * that {@code documented} accepts and whose message is one non-blank line, having allocated at most
     * {@link #allocationBudget}. Any other throwable is rethrown as is (Jazzer reports it as a finding).
     */
    public static void check(long inputBytes, Predicate<Throwable> documented, Target target) throws Exception {
        long allocated = runOnce(documented, target);
        // the first run in a JVM also pays for class loading and static initialization: a second run tells whether
        // the input itself makes the parser allocate that much
        if (allocated > allocationBudget(inputBytes)) allocated = runOnce(documented, target);
        long measured = allocated;
        assertTrue(measured <= allocationBudget(inputBytes), () -> "allocated " + measured + " bytes for an input of "
                + inputBytes + " bytes (budget " + allocationBudget(inputBytes) + ")");
    }

    private static long runOnce(Predicate<Throwable> documented, Target target) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            target.run();
        } catch (Exception e) {
            if (!documented.test(e)) throw e;
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n")) fail("not a one-line message: " + e, e);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** Accepts exactly the instances of {@code type} (and its subclasses). */
    public static Predicate<Throwable> only(Class<? extends Throwable> type) {
        return type::isInstance;
    }
}

package io.ringmem.forward;

/**
 * Receives output logits row by row. Called concurrently from several ranks, each with distinct positions; an
 * implementation writing to per-position slots needs no locking. The array is reused after the call returns.
 */
@FunctionalInterface
public interface LogitsSink {
    /** @param logits holds (vocab) values for {@code position} starting at {@code offset} */
    void accept(int position, float[] logits, int offset);
}

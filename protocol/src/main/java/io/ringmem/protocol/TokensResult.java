package io.ringmem.protocol;

import java.io.Serializable;

/** Generated token ids, and the worker that produced them. */
public record TokensResult(int[] ids, String worker, long nanos) implements Serializable {
}

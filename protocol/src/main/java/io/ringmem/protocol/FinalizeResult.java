package io.ringmem.protocol;

import java.io.Serializable;

/**
 * @param rawBytes      fp32 bytes of the segment's KV
 * @param encodedBytes  bytes the segment's compressed blocks take in the store
 * @param stateBytes    bytes of the stored carried state
 */
public record FinalizeResult(long rawBytes, long encodedBytes, long stateBytes) implements Serializable {
}

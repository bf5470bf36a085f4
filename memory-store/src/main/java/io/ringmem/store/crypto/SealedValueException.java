package io.ringmem.store.crypto;

import io.ringmem.RingmemException;

/**
 * A stored value that cannot be opened: unknown key id, failed authentication (tampered, copied from another key,
 * forged), unencrypted where encryption is required, or a damaged header. Never a silent wrong value.
 */
public final class SealedValueException extends RingmemException {
    public SealedValueException(String message) {
        super(message);
    }
}

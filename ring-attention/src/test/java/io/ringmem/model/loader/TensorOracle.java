package io.ringmem.model.loader;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every tensor a loader returns must satisfy, computed without overflow: its bytes are exactly its shape's. */
final class TensorOracle {
    private TensorOracle() {
    }

    /** {@code t}'s data (when its type is supported) holds exactly its shape's elements and lies inside the file. */
    static void check(StoredTensor t, long fileBytes) {
        if (t.type() == null || t.data() == null) return;
        BigInteger elements = BigInteger.ONE;
        for (long d : t.shape()) {
            assertTrue(d >= 0, () -> t.name() + " has a negative dimension");
            elements = elements.multiply(BigInteger.valueOf(d));
        }
        BigInteger bytes = elements.divide(BigInteger.valueOf(t.type().blockSize)).multiply(BigInteger.valueOf(t.type().blockBytes));
        assertEquals(bytes, BigInteger.valueOf(t.data().byteSize()), () -> t.name() + ": data size differs from its shape's");
        assertTrue(t.data().byteSize() <= fileBytes, () -> t.name() + " is larger than the file");
    }
}

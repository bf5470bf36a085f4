package io.ringmem.spark;

import io.ringmem.api.RingmemClientException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures the service execution retries, and how often. */
class RetryTest {
    @Test
    void transientFailuresAreRetriedUntilTheyPass() {
        AtomicInteger calls = new AtomicInteger();
        String v = Retry.call(5, () -> {
            int n = calls.incrementAndGet();
            if (n == 1) throw new RingmemClientException(503, "not ready", null);
            if (n == 2) throw new RingmemClientException(0, "connection refused", null);
            return "ok";
        });
        assertEquals("ok", v);
        assertEquals(3, calls.get());
    }

    @Test
    void refusalsAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        RingmemClientException e = assertThrows(RingmemClientException.class, () -> Retry.call(5, () -> {
            calls.incrementAndGet();
            throw new RingmemClientException(400, "document 'doc' is empty", null);
        }));
        assertEquals(1, calls.get());
        assertEquals("document 'doc' is empty", e.getMessage());
    }

    @Test
    void theLastTransientFailureNamesTheAttempts() {
        AtomicInteger calls = new AtomicInteger();
        RingmemClientException e = assertThrows(RingmemClientException.class, () -> Retry.call(3, () -> {
            calls.incrementAndGet();
            throw new RingmemClientException(502, "bad gateway", null);
        }));
        assertEquals(3, calls.get());
        assertEquals(502, e.status());
        assertEquals("failed 3 time(s): bad gateway", e.getMessage());
    }

    @Test
    void classification() {
        assertTrue(Retry.transientFailure(new RingmemClientException(0, "", null)));
        assertTrue(Retry.transientFailure(new RingmemClientException(429, "", null)));
        assertTrue(Retry.transientFailure(new RingmemClientException(500, "", null)));
        assertFalse(Retry.transientFailure(new RingmemClientException(401, "", null)));
        assertFalse(Retry.transientFailure(new RingmemClientException(413, "", null)));
    }
}

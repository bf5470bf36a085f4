package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;

import java.util.function.Supplier;

/** The CLI's use of {@link RingmemClient} (built by {@link ClientOptions}): its failures as one-line {@link RingmemException}s. */
final class CoordinatorCalls {
    private CoordinatorCalls() {
    }

    /** Runs {@code call}; a refusal becomes "coordinator: MESSAGE (HTTP STATUS)", no answer its own message. */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RingmemClientException e) {
            throw new RingmemException(e.status() == 0 ? e.getMessage() : "coordinator: " + e.getMessage() + " (HTTP " + e.status() + ")");
        }
    }
}

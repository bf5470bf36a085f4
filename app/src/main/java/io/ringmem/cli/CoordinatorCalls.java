package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;

import java.util.function.Supplier;

/** The CLI's use of {@link RingmemClient}: a client for {@code --url}, and its failures as one-line {@link RingmemException}s. */
final class CoordinatorCalls {
    private CoordinatorCalls() {
    }

    static RingmemClient client(String url) {
        try {
            return RingmemClient.of(url);
        } catch (IllegalArgumentException e) {
            throw new RingmemException("--url must be an http(s) URL such as http://127.0.0.1:8080, got '" + url + "'");
        }
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

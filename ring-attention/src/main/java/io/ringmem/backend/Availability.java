package io.ringmem.backend;

import java.util.Objects;

/**
 * The answer of {@link BackendProvider#probe()}: whether the backend can run on this machine and, when not, why
 * (for example "no CUDA driver: libcuda.so.1 not found"). The reason is meant for people: it ends up in error
 * messages and logs.
 *
 * @param available whether {@link BackendProvider#create} may be called
 * @param reason    why not; empty when available
 */
public record Availability(boolean available, String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!available && reason.isBlank()) throw new IllegalArgumentException("an unavailable backend needs a reason");
    }

    /** The backend can run here. */
    public static Availability yes() {
        return new Availability(true, "");
    }

    /** The backend cannot run here, because of {@code reason}. */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}

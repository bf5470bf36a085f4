package io.ringmem.backend;

/**
 * What a caller tells a {@link BackendProvider} when creating a backend.
 *
 * @param threads host threads per call for multi-threaded CPU work, the caller's thread included; at least 1.
 *                Single-threaded backends ignore it; a device backend may use it for its host-side work.
 */
public record BackendSettings(int threads) {
    public BackendSettings {
        if (threads < 1) throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
    }
}

package io.ringmem.backend;

import io.ringmem.kernel.QuantizedPrefill;

import java.util.Objects;

/**
 * What a caller tells a {@link BackendProvider} when creating a backend.
 *
 * @param threads          host threads per call for multi-threaded CPU work, the caller's thread included; at least
 *                         1. Single-threaded backends ignore it; a device backend may use it for its host-side work.
 * @param quantizedPrefill which kernel the vector CPU backend uses for prefill matmuls on block-quantized weights
 *                         ({@code --quantized-prefill}); other backends ignore it
 */
public record BackendSettings(int threads, QuantizedPrefill quantizedPrefill) {
    public BackendSettings {
        if (threads < 1) throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        Objects.requireNonNull(quantizedPrefill, "quantizedPrefill");
    }

    /** {@code threads} threads, the measured-faster quantized prefill kernel per format ({@link QuantizedPrefill#AUTO}). */
    public BackendSettings(int threads) {
        this(threads, QuantizedPrefill.AUTO);
    }
}

package io.ringmem.backend;

/**
 * An opaque handle to hidden states {@code (n, dim)} that a backend owns: host memory for the CPU backends, device
 * memory for a GPU backend. Created by {@link DeviceModel#load} and updated in place by
 * {@link DeviceModel#finish}; the host only sees its contents through the explicit crossings of {@link DeviceModel}
 * ({@link DeviceModel#logits}, {@link DeviceModel#normedSum}, {@link DeviceModel#download}).
 *
 * <p>Lifetime: valid until {@link #close()} or until the {@link DeviceModel} that made it is closed; only that
 * model accepts it. Thread-confined: one thread uses a handle at a time (distinct handles may be used
 * concurrently). Closing twice is harmless.
 */
public interface Activations extends AutoCloseable {

    /** Tokens n. */
    int tokens();

    /** Releases the buffer (device memory on a GPU; nothing on the CPU). */
    @Override
    void close();
}

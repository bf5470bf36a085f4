package io.ringmem.backend;

/**
 * The service interface through which compute backends plug in: a module registers an implementation in
 * {@code META-INF/services/io.ringmem.backend.BackendProvider} and {@link Backends#discover()} finds it. The core
 * registers {@code scalar} (the reference) and {@code vector} (Vector API, multi-threaded); a GPU module (for
 * example {@code kernels-cuda}) registers its own.
 *
 * <p>Contract: the provider must have a public no-argument constructor that does no heavy work and loads no native
 * library (discovery instantiates every provider on the class path). {@link #probe()} is where native libraries
 * and devices are looked for; it <em>never throws</em>: a GPU provider catches {@link UnsatisfiedLinkError} (and the
 * {@link NoClassDefFoundError} that follows it on a second attempt) once, caches the outcome and reports it as
 * {@link Availability#no}. {@link #create} is only called after a successful probe. Implementations are
 * thread-safe.
 */
public interface BackendProvider {

    /** The name users select the backend by ({@code --kernels NAME}): lower case, no spaces, unique. */
    String name();

    /** Whether the backend can run on this machine. Never throws; cheap after the first call. */
    Availability probe();

    /**
     * A new backend. The caller owns it and closes it.
     *
     * @throws IllegalStateException when the backend turns out not to be usable after all
     */
    Backend create(BackendSettings settings);
}

package io.ringmem.cuda;

/**
 * Where {@link CudaOps} sends its launches: a {@link CudaContext} on a device, or a recorder in the host-side tests
 * (which check every launch's arguments against {@link KernelSignatures} and its geometry without a GPU).
 */
interface Launcher {

    /** Launches {@code function} of PTX module {@code module} with {@code args} in the kernel's parameter order. */
    void launch(String module, String function, Launch geometry, Object... args);
}

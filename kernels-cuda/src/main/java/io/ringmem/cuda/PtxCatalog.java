package io.ringmem.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PTX the build put into the jar ({@code kernels-cuda/tools/build-ptx.sh}): for each kernel file a module
 * {@code io/ringmem/cuda/ptx/<module>.<target>.ptx}, for the targets {@code sm_90} (Hopper: H100, H200) and
 * {@code compute_80} (the portable fallback, JIT-compiled by the driver on Ampere and newer). PTX is forward
 * compatible, so a device newer than Hopper also takes {@code sm_90}; devices older than compute capability 8.0 have
 * no bf16 tensor cores and are not supported.
 */
public final class PtxCatalog {
    /** The kernel modules, one per {@code .cu} file. */
    public static final List<String> MODULES = List.of("gemm", "attention", "merge", "norm", "elementwise", "kvquant");
    private static final String ROOT = "io/ringmem/cuda/ptx/";
    private final ClassLoader loader;

    public PtxCatalog(ClassLoader loader) {
        this.loader = loader;
    }

    /** The catalog of this class's jar. */
    public static PtxCatalog bundled() {
        return new PtxCatalog(PtxCatalog.class.getClassLoader());
    }

    /** The PTX target for a device of compute capability major.minor, or empty when it is unsupported. */
    public static Optional<String> target(int major, int minor) {
        if (major < 0 || minor < 0) throw new IllegalArgumentException("compute capability " + major + "." + minor);
        if (major >= 9) return Optional.of("sm_90");
        if (major == 8) return Optional.of("compute_80");
        return Optional.empty();
    }

    /** Why a device of this compute capability cannot run the kernels, or empty when it can. */
    public static Optional<String> unsupported(int major, int minor) {
        return target(major, minor).isPresent() ? Optional.empty()
                : Optional.of("compute capability " + major + "." + minor + " is below 8.0 (bf16 tensor cores need sm_80)");
    }

    /** The resource path of one module for one target. */
    public static String resource(String module, String target) {
        if (!MODULES.contains(module)) throw new IllegalArgumentException("unknown kernel module '" + module + "'");
        return ROOT + module + "." + target + ".ptx";
    }

    /** The modules missing for {@code target}: all of them when the jar was built without nvcc. */
    public List<String> missing(String target) {
        List<String> out = new ArrayList<>();
        for (String m : MODULES) if (loader.getResource(resource(m, target)) == null) out.add(m);
        return out;
    }

    /** A module's PTX, NUL-terminated as {@code cuModuleLoadData} wants it. */
    public byte[] load(String module, String target) {
        String path = resource(module, target);
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("PTX resource missing: " + path + " (was the jar built with nvcc?)");
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}

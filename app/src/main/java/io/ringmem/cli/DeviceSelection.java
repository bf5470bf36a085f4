package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.backend.Availability;
import io.ringmem.backend.Backend;
import io.ringmem.backend.BackendSelfTest;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code --device cpu|cuda|auto}: where a model runs. {@code cpu} is the {@code --kernels} backend, as before.
 * {@code cuda} and {@code auto} use the CUDA backend ({@code cuda} with bf16 weights, {@code cuda-fp32} with
 * {@code --gpu-precision fp32}) only after {@link BackendSelfTest} passed on this machine against the scalar
 * reference; {@code cuda} fails with one line when there is no usable device or the self-test fails, {@code auto}
 * logs why and falls back to the CPU. A GPU backend is never chosen without its self-test.
 */
final class DeviceSelection {
    /** Self-test tolerance (normalized max error, see {@link BackendSelfTest}) with fp32 weights. */
    static final double FP32_TOLERANCE = 1e-3;
    /** The same with bf16 weights: 8-bit significands in every GEMM operand (see docs/gpu.md). */
    static final double BF16_TOLERANCE = 5e-2;

    private DeviceSelection() {
    }

    /** The backend for {@code --device}; the caller closes it. Logs the choice unless the device is {@code cpu}. */
    static Backend select(Backends registry, String device, String kernels, String precision, int threads, PrintWriter log) {
        return select(registry, device, kernels, precision, new BackendSettings(threads), log);
    }

    /** As above, with the CPU backend's settings ({@code --threads}, {@code --quantized-prefill}). */
    static Backend select(Backends registry, String device, String kernels, String precision, BackendSettings cpu,
                          PrintWriter log) {
        int threads = cpu.threads();
        String d = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
        if (kernels.trim().toLowerCase(Locale.ROOT).startsWith("cuda")) {
            throw new RingmemException("--kernels names CPU kernels (vector or scalar); select the GPU with --device cuda");
        }
        String gpu = gpuBackend(precision);
        return switch (d) {
            case "cpu" -> cpu(registry, kernels, cpu);
            case "cuda" -> {
                Attempt a = tryGpu(registry, gpu, threads, precision);
                if (a.backend == null) throw new RingmemException("--device cuda: " + a.why);
                log.println("ringmem: device: " + a.backend.describe() + "; " + a.why);
                yield a.backend;
            }
            case "auto" -> {
                Attempt a = tryGpu(registry, gpu, threads, precision);
                if (a.backend != null) {
                    log.println("ringmem: device auto: " + a.backend.describe() + "; " + a.why);
                    yield a.backend;
                }
                Backend c = cpu(registry, kernels, cpu);
                log.println("ringmem: device auto: cpu (" + c.name() + " kernels); cuda not used: " + a.why);
                yield c;
            }
            default -> throw new RingmemException("--device must be cpu, cuda or auto, got '" + device + "'");
        };
    }

    /** The provider name for {@code --gpu-precision}. */
    static String gpuBackend(String precision) {
        String p = precision == null ? "bf16" : precision.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "bf16" -> "cuda";
            case "fp32" -> "cuda-fp32";
            default -> throw new RingmemException("--gpu-precision must be bf16 or fp32, got '" + precision + "'");
        };
    }

    private record Attempt(Backend backend, String why) {
    }

    private static Attempt tryGpu(Backends registry, String name, int threads, String precision) {
        if (!registry.names().contains(name)) return new Attempt(null, "the CUDA backend is not on the class path");
        Availability a = registry.availability(name);
        if (!a.available()) return new Attempt(null, "no usable CUDA device: " + a.reason());
        Backend gpu;
        try {
            gpu = registry.create(name, new BackendSettings(threads));
        } catch (RuntimeException | LinkageError e) {
            return new Attempt(null, "the CUDA backend failed to start: " + e.getMessage());
        }
        double tol = "cuda".equals(name) ? BF16_TOLERANCE : FP32_TOLERANCE;
        BackendSelfTest.Result r;
        try (Backend ref = registry.create("scalar", new BackendSettings(1))) {
            r = BackendSelfTest.run(gpu, ref, tol);
        } catch (RuntimeException e) {
            gpu.close();
            throw new RingmemException("the self-test's reference backend failed: " + e.getMessage());
        }
        if (!r.passed()) {
            gpu.close();
            return new Attempt(null, "the CUDA self-test failed: " + r.detail());
        }
        return new Attempt(gpu, "self-test passed: " + r.detail());
    }

    private static Backend cpu(Backends registry, String kernels, BackendSettings settings) {
        try {
            return registry.create(kernels, settings);
        } catch (IllegalArgumentException e) {
            throw new RingmemException(e.getMessage());
        }
    }
}

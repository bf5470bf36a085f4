package io.ringmem.cuda;

import io.ringmem.backend.Availability;
import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Looks for a usable CUDA device once per JVM: the bundled PTX, the JCuda native library, the driver, a device of
 * compute capability 8.0 or newer. A failed native load throws {@link UnsatisfiedLinkError} the first time and
 * {@link NoClassDefFoundError} on every later attempt, so the first answer is cached for the whole JVM (the one
 * piece of process-wide state in this module: the JVM itself loads a native library at most once).
 * {@link #probe()} never throws.
 */
public final class CudaProbe {
    private static final AtomicReference<Outcome> CACHED = new AtomicReference<>();

    /** The probe's answer and, when available, the device. */
    public record Outcome(Availability availability, Optional<DeviceInfo> device) {
    }

    private CudaProbe() {
    }

    /** The cached outcome, probing on the first call. */
    public static Outcome probe() {
        Outcome o = CACHED.get();
        if (o != null) return o;
        synchronized (CudaProbe.class) {
            if (CACHED.get() == null) CACHED.set(run());
            return CACHED.get();
        }
    }

    private static Outcome run() {
        List<String> missing = PtxCatalog.bundled().missing("compute_80");
        if (!missing.isEmpty()) {
            return no("this build has no PTX for " + missing + " (kernels-cuda was built without nvcc)");
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] < 1) return no("no CUDA device");
            CUdevice dev = new CUdevice();
            JCudaDriver.cuDeviceGet(dev, 0);
            int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            int[] driver = new int[1];
            JCudaDriver.cuDriverGetVersion(driver);
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, dev);
            DeviceInfo info = new DeviceInfo(cString(name), major, minor, sms, driver[0], count[0]);
            Optional<String> why = PtxCatalog.unsupported(major, minor);
            if (why.isPresent()) return no(info.name() + ": " + why.get());
            return new Outcome(Availability.yes(), Optional.of(info));
        } catch (UnsatisfiedLinkError e) {
            return no("the JCuda native library could not be loaded: " + NativeErrors.summary(e.getMessage()));
        } catch (NoClassDefFoundError e) {
            return no("JCuda failed to initialize earlier in this JVM: " + NativeErrors.summary(e.getMessage()));
        } catch (CudaException e) {
            return no("the CUDA driver reported " + NativeErrors.summary(e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            return no("CUDA probe failed: " + e);
        }
    }

    private static int attribute(CUdevice dev, int attr) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attr, dev);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    private static Outcome no(String reason) {
        return new Outcome(Availability.no(reason), Optional.empty());
    }
}

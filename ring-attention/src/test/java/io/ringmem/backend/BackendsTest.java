package io.ringmem.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringmem.backend.cpu.CpuBackend;
import io.ringmem.backend.cpu.ScalarBackendProvider;
import io.ringmem.kernel.ScalarKernels;
import io.ringmem.kernel.VectorKernels;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {

    @Test
    void serviceLoaderFindsScalarAndVector() {
        Backends backends = Backends.discover();
        assertTrue(backends.names().containsAll(List.of("scalar", "vector")), backends.names().toString());
        assertTrue(backends.availableNames().containsAll(List.of("scalar", "vector")), backends.describe());
        try (Backend s = backends.create("scalar", new BackendSettings(4));
             Backend v = backends.create(" Vector ", new BackendSettings(3))) {
            assertInstanceOf(CpuBackend.class, s);
            assertEquals("scalar", s.name());
            assertInstanceOf(ScalarKernels.class, s.kernels());
            assertEquals("vector", v.name());
            assertEquals(3, assertInstanceOf(VectorKernels.class, v.kernels()).threads());
        }
    }

    @Test
    void unknownNameListsTheAvailableBackends() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.discover().create("tpu", new BackendSettings(1)));
        String m = e.getMessage();
        assertTrue(m.contains("'tpu'") && m.contains("scalar") && m.contains("vector"), m);
        assertThrows(IllegalArgumentException.class, () -> Backends.discover().create(null, new BackendSettings(1)));
        assertThrows(IllegalArgumentException.class, () -> new BackendSettings(0));
    }

    @Test
    void aProviderWhoseProbeFailsIsReportedAndNeverCreated() {
        MissingGpu gpu = new MissingGpu();
        Backends backends = Backends.of(List.of(gpu, new ScalarBackendProvider()));
        assertEquals(List.of("fake-gpu", "scalar"), backends.names());
        assertEquals(List.of("scalar"), backends.availableNames());
        Availability a = backends.availability("FAKE-GPU");
        assertFalse(a.available());
        assertTrue(a.reason().contains("libfakecuda"), a.reason());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backends.create("fake-gpu", new BackendSettings(1)));
        assertTrue(e.getMessage().contains("not available") && e.getMessage().contains("libfakecuda")
                && e.getMessage().contains("scalar"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> backends.create("cuda", new BackendSettings(1)));
        assertTrue(unknown.getMessage().contains("[scalar]") && unknown.getMessage().contains("fake-gpu"),
                unknown.getMessage());
        assertTrue(backends.describe().contains("fake-gpu: unavailable"), backends.describe());
        assertEquals(0, gpu.created.get());
        assertEquals(1, gpu.probes.get(), "probed once per registry");
    }

    @Test
    void aProbeThatThrowsAnywayCountsAsUnavailable() {
        BackendProvider rude = new MissingGpu() {
            @Override
            public Availability probe() {
                throw new UnsatisfiedLinkError("no jcuda in java.library.path");
            }
        };
        Backends backends = Backends.of(List.of(rude));
        Availability a = backends.availability("fake-gpu");
        assertFalse(a.available());
        assertTrue(a.reason().contains("jcuda"), a.reason());
        assertEquals(List.of(), backends.availableNames());
    }

    @Test
    void aProviderClassThatFailsToLoadIsSkippedAndNamed(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services/" + BackendProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.example.MissingCudaProvider\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
            Backends backends = Backends.discover(loader);
            assertTrue(backends.availableNames().containsAll(List.of("scalar", "vector")), backends.describe());
            assertTrue(backends.describe().contains("failed to load") && backends.describe().contains("MissingCudaProvider"),
                    backends.describe());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backends.create("cuda", new BackendSettings(1)));
            assertTrue(e.getMessage().contains("MissingCudaProvider"), e.getMessage());
        }
    }

    /** What a GPU provider does on a machine without the native library: catch the link error once, report it. */
    private static class MissingGpu implements BackendProvider {
        final AtomicInteger probes = new AtomicInteger();
        final AtomicInteger created = new AtomicInteger();

        @Override
        public String name() {
            return "fake-gpu";
        }

        @Override
        public Availability probe() {
            probes.incrementAndGet();
            try {
                loadNativeLibrary();
                return Availability.yes();
            } catch (UnsatisfiedLinkError e) {
                return Availability.no("libfakecuda: " + e.getMessage());
            }
        }

        /** Stands for JCuda's loader on a machine without the driver. */
        private static void loadNativeLibrary() {
            throw new UnsatisfiedLinkError("no fakecuda in java.library.path");
        }

        @Override
        public Backend create(BackendSettings settings) {
            created.incrementAndGet();
            throw new IllegalStateException("must not be created");
        }
    }
}

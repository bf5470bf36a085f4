package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringmem.backend.Availability;
import io.ringmem.backend.BackendSettings;
import io.ringmem.backend.Backends;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Discovery and the probe on whatever machine runs the tests: the providers are found through ServiceLoader, the
 * probe never throws and answers the same thing every time (the native load is attempted once per JVM), and an
 * unavailable backend is never created. On a machine without a GPU this is the path every run takes.
 */
class CudaProviderTest {

    @Test
    void discoveredBesideTheCpuBackends() {
        Backends b = Backends.discover();
        assertTrue(b.names().containsAll(List.of("scalar", "vector", "cuda", "cuda-fp32")), b.names().toString());
    }

    @Test
    void probeIsCachedAndNeverThrows() {
        CudaProbe.Outcome first = CudaProbe.probe();
        for (int i = 0; i < 3; i++) assertSame(first, CudaProbe.probe());
        Availability a = new CudaBackendProvider().probe();
        assertEquals(first.availability(), a);
        assertEquals(a, new CudaBackendProvider.Fp32().probe());
        if (!a.available()) {
            assertFalse(a.reason().isBlank());
            assertTrue(first.device().isEmpty());
        } else {
            assertTrue(first.device().orElseThrow().major() >= 8);
        }
    }

    @Test
    void unavailableBackendIsNeverCreated() {
        Backends b = Backends.discover();
        Availability a = b.availability("cuda");
        if (a.available()) return; // a GPU machine: creation is covered by the gpu-tagged tests
        var e = assertThrows(IllegalArgumentException.class, () -> b.create("cuda", new BackendSettings(1)));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new CudaBackendProvider().create(new BackendSettings(1)));
    }
}

package io.ringmem.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelsFactoryTest {

    @Test
    void createsKnownKernels() {
        try (Kernels s = KernelsFactory.byName("scalar", 4); Kernels v = KernelsFactory.byName(" Vector ", 3)) {
            assertInstanceOf(ScalarKernels.class, s);
            assertEquals("scalar", s.name());
            VectorKernels vk = assertInstanceOf(VectorKernels.class, v);
            assertEquals("vector", vk.name());
            assertEquals(3, vk.threads());
        }
    }

    @Test
    void rejectsUnknownNamesAndBadThreadCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelsFactory.byName("cuda", 2));
        assertTrue(e.getMessage().contains("cuda") && e.getMessage().contains("scalar") && e.getMessage().contains("vector"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelsFactory.byName(null, 2));
        assertThrows(IllegalArgumentException.class, () -> KernelsFactory.byName("vector", 0));
    }
}

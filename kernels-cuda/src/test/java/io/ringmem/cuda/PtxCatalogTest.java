package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * PTX selection by compute capability and the PTX the build bundles. {@link #bundlesPtxForEveryModule} checks that
 * a jar built with nvcc holds every module for both targets, or, when the build had no nvcc, that it holds none and
 * the backend reports itself unavailable for that reason.
 */
class PtxCatalogTest {

    @Test
    void targetByComputeCapability() {
        assertEquals(Optional.of("sm_90"), PtxCatalog.target(9, 0));   // H100, H200
        assertEquals(Optional.of("sm_90"), PtxCatalog.target(10, 0));  // newer: sm_90 PTX is JIT-compiled forward
        assertEquals(Optional.of("compute_80"), PtxCatalog.target(8, 0)); // A100
        assertEquals(Optional.of("compute_80"), PtxCatalog.target(8, 9)); // L4, L40
        assertEquals(Optional.empty(), PtxCatalog.target(7, 5));         // T4: no bf16 tensor cores
        assertTrue(PtxCatalog.unsupported(7, 0).orElseThrow().contains("below 8.0"));
        assertFalse(PtxCatalog.unsupported(9, 0).isPresent());
        assertThrows(IllegalArgumentException.class, () -> PtxCatalog.resource("nope", "sm_90"));
    }

    @Test
    void bundlesPtxForEveryModule() {
        PtxCatalog c = PtxCatalog.bundled();
        if (c.missing("sm_90").equals(PtxCatalog.MODULES)) {
            // built where nvcc is absent: no PTX at all, and the probe says so instead of trying the device
            String reason = CudaProbe.probe().availability().reason();
            assertTrue(reason.contains("built without nvcc"), reason);
            return;
        }
        for (String target : List.of("sm_90", "compute_80")) {
            assertEquals(List.of(), c.missing(target), "PTX missing for " + target + ": build kernels-cuda where nvcc exists");
            for (String m : PtxCatalog.MODULES) {
                byte[] ptx = c.load(m, target);
                assertEquals(0, ptx[ptx.length - 1], "NUL-terminated for cuModuleLoadData");
                String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
                assertTrue(text.contains(".target " + target.replace("compute_", "sm_")), m + " targets " + target);
            }
        }
        String gemm = new String(c.load("gemm", "sm_90"), StandardCharsets.US_ASCII);
        assertTrue(gemm.contains(".entry gemm_bf16_tc") && gemm.contains("mma.sync") || gemm.contains("wmma.mma"),
                "the bf16 GEMM uses tensor-core instructions");
    }

    @Test
    void aJarWithoutPtxReportsEveryModuleMissing() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            PtxCatalog c = new PtxCatalog(empty);
            assertEquals(PtxCatalog.MODULES, c.missing("sm_90"));
            var e = assertThrows(IllegalStateException.class, () -> c.load("gemm", "sm_90"));
            assertTrue(e.getMessage().contains("nvcc"), e.getMessage());
        }
    }
}

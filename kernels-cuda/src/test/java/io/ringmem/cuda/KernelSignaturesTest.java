package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Host and device agree on every kernel's parameters: the table the launches are checked against equals the
 * {@code .entry} parameter lists of the PTX in the jar, for both targets, and every kernel in the PTX is in the
 * table. (Skips the PTX part only for a build without nvcc, where the jar has no PTX; PtxCatalogTest covers that.)
 */
class KernelSignaturesTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(\\.\\w+)\\s+\\w+");

    @Test
    void tableMatchesThePtx() {
        PtxCatalog c = PtxCatalog.bundled();
        if (!c.missing("sm_90").isEmpty()) return;
        for (String target : List.of("sm_90", "compute_80")) {
            Map<String, List<String>> entries = new LinkedHashMap<>();
            for (String m : PtxCatalog.MODULES) {
                byte[] ptx = c.load(m, target);
                Matcher e = ENTRY.matcher(new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII));
                while (e.find()) {
                    List<String> types = new ArrayList<>();
                    Matcher p = PARAM.matcher(e.group(2));
                    while (p.find()) types.add(p.group(1));
                    entries.put(e.group(1), types);
                }
            }
            assertEquals(KernelSignatures.all().keySet(), entries.keySet(), "kernels in the PTX (" + target + ")");
            for (var k : KernelSignatures.all().entrySet()) {
                List<String> expected = new ArrayList<>();
                for (char ch : k.getValue().toCharArray()) expected.add(KernelSignatures.ptxType(ch));
                assertEquals(expected, entries.get(k.getKey()), k.getKey() + " (" + target + ")");
            }
        }
    }

    @Test
    void launchArgumentsAreChecked() {
        KernelSignatures.check("gemm_f32", "pppiiii");
        var e = assertThrows(IllegalArgumentException.class, () -> KernelSignatures.check("swiglu_f32", "ppi"));
        assertTrue(e.getMessage().contains("takes (ppl)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelSignatures.of("nope"));
        assertEquals('i', CudaContext.kind(3));
        assertEquals('l', CudaContext.kind(3L));
        assertEquals('f', CudaContext.kind(3f));
        assertThrows(IllegalArgumentException.class, () -> CudaContext.kind(3.0));
    }
}

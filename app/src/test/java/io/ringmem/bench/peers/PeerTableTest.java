package io.ringmem.bench.peers;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peers table's statistics (medians, ranges, paired ratios by round), its markdown, and the flop counts. */
class PeerTableTest {
    private static PeerRun run(String peer, int round, double secs, long rss) {
        return new PeerRun(peer, "prefill", 512, 0, 2, secs, rss, round, "f32", "main");
    }

    @Test
    void mediansRangesAndPairedRatios() {
        List<PeerRun> runs = List.of(
                run("llama.cpp", 1, 2.0, 100), run("ringmem", 1, 1.0, 300),
                run("ringmem", 2, 4.0, 200), run("llama.cpp", 2, 2.0, 120),
                run("ringmem", 3, 2.0, 250), run("llama.cpp", 3, 3.0, 110),
                run("llama.cpp", 4, 9.0, 100),                       // no Ringmem run in round 4: not paired
                new PeerRun("ringmem", "decode", 512, 64, 2, 5.0, 1, 1, "f32", "main"));
        List<PeerTable.Row> rows = PeerTable.of(runs);
        assertEquals(2, rows.size());
        PeerTable.Row r = rows.getFirst();
        assertEquals("ringmem", r.cells().getFirst().peer());           // Ringmem first although llama.cpp came first
        PeerTable.Stat rm = r.cell("ringmem").seconds();
        assertEquals(2.0, rm.median());
        assertEquals(1.0, rm.min());
        assertEquals(4.0, rm.max());
        assertEquals(3, rm.n());
        assertEquals(2.5, r.cell("llama.cpp").seconds().median());        // even count: mean of the middle two
        assertEquals(300, r.cell("ringmem").peakRssBytes());            // the largest over the runs
        PeerTable.Stat ratio = r.ratios().get("llama.cpp");             // rounds 1-3: 2/1, 2/4, 3/2
        assertEquals(3, ratio.n());
        assertEquals(1.5, ratio.median(), 1e-12);
        assertEquals(0.5, ratio.min(), 1e-12);
        assertEquals(2.0, ratio.max(), 1e-12);
        assertTrue(rows.get(1).ratios().isEmpty());                     // Ringmem alone: no ratio
        assertNull(rows.get(1).cell("llama.cpp"));
    }

    @Test
    void markdownHasOneRowPerWorkloadWithRatiosAndPeakShare() {
        RandomLlamaSpec s = new RandomLlamaSpec(32000, 1024, 12, 16, 4, 2816, 32768, 1, RandomLlamaSpec.Format.F32);
        List<PeerRun> runs = List.of(run("ringmem", 1, 1.0, 2_000_000_000L), run("llama.cpp", 1, 1.2, 1_000_000_000L),
                run("jlama", 1, 6.0, 3_000_000_000L));
        PeerReport report = new PeerReport(PeerTable.of(runs), s, s, 200);
        List<String> lines = report.markdown().lines().toList();
        assertEquals(3, lines.size(), report.markdown());
        assertTrue(lines.get(0).contains("Ringmem / llama.cpp") && lines.get(0).contains("Ringmem / jlama"), lines.get(0));
        String row = lines.get(2);
        assertTrue(row.startsWith("| prefill 512, F32 |"), row);
        assertTrue(row.contains("1.20× [1.20–1.20]") && row.contains("6.00× [6.00–6.00]"), row);
        assertTrue(row.contains("2.00 / 1.00 / 3.00"), row);
        double gflops = s.prefillFlops(512) / 1e9;                      // Ringmem took 1 s
        assertTrue(row.contains(String.format(Locale.ROOT, "%.1f (%.0f%%)", gflops, 100 * gflops / 200)), row);
        assertEquals(1, report.json().size());
    }

    @Test
    void flopCountsMatchAHandCount() {
        RandomLlamaSpec s = new RandomLlamaSpec(300, 64, 2, 4, 2, 96, 512, 1, RandomLlamaSpec.Format.F32);
        long perLayer = 64 * 64 * 2 + 64 * 32 * 2 + 3 * 64 * 96;      // q, o; k, v (kv width 32); gate, up, down
        assertEquals(2 * perLayer, s.layerMatmulWeights());
        assertEquals(2L * 300 * 64 + 64 + 2 * (perLayer + 2 * 64), s.parameters());
        // prefill of 3 tokens: 3 tokens of matmuls, 6 causal (q, k) pairs of attention, one logits row
        assertEquals(2.0 * 2 * perLayer * 3 + 4.0 * 64 * 2 * 6 + 2.0 * 300 * 64, s.prefillFlops(3), 1e-6);
        // decode 2 after 10: contexts 11 and 12
        assertEquals(2 * (2.0 * 2 * perLayer + 2.0 * 300 * 64) + 4.0 * 64 * 2 * (11 + 12), s.decodeFlops(10, 2), 1e-6);
    }

    @Test
    void badRunsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> run("ringmem", 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> run("ringmem", 1, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new PeerRun(null, "prefill", 1, 0, 1, 1, 1, 1, "f32", "main"));
    }
}

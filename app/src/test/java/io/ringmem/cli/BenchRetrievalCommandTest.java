package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.cli.CliTest.Result;
import org.junit.jupiter.api.Test;

import static io.ringmem.cli.CliTest.data;
import static io.ringmem.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench retrieval} and {@code bench retrieval-mass} with tiny parameters: report shape and invariants, no timings. */
class BenchRetrievalCommandTest {
    private static JsonNode report(Result r, String bench, int rows) throws Exception {
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(bench, j.get("bench").asText());
        assertEquals(rows, j.get("results").size(), r.out());
        return j;
    }

    @Test
    void retrievalRanksThePlantedNeedleAndTheExhaustiveTwoLevelSearchIsTheFlatScan() throws Exception {
        JsonNode j = report(run("bench", "retrieval", "--blocks", "64", "--summary-keys", "1,4", "--trials", "3", "--shape", "2,1,64",
                "--segment-blocks", "16", "--json"), "retrieval", 1 + 2 * (4 + 3));
        JsonNode exact = j.get("results").get(0);
        assertEquals("exact", exact.get("scoring").asText());
        assertEquals(1.0, exact.get("found").asDouble(), "exact attention always finds the needle (8 sd out)");
        int twoLevel = 0;
        JsonNode mean = null;
        for (JsonNode row : j.get("results")) {
            String scoring = row.path("scoring").asText();
            if (scoring.equals("mean")) mean = row;
            if (scoring.equals("mean-one-by-one")) { // the reference scan ranks exactly as the interleaved one
                assertEquals(mean.get("found").asDouble(), row.get("found").asDouble(), row.toString());
                assertEquals(mean.get("medianRank").asDouble(), row.get("medianRank").asDouble(), row.toString());
            }
            if (!row.has("maxSegments")) continue;
            twoLevel++;
            if (row.get("maxSegments").asInt() == 4) assertEquals(1.0, row.get("identical").asDouble(), row.toString());
            assertEquals(4L * (8 * 64 + 8), row.get("twoLevelBytes").asLong());
        }
        assertEquals(6, twoLevel);
    }

    @Test
    void massSharesAreFractionsAndRetrievalOnlyAddsMass() throws Exception {
        JsonNode j = report(run("bench", "retrieval-mass", "--model", data("models/stories260K/stories260K.bin").toString(), "--tokens",
                "300", "--source", "random", "--segment-tokens", "64", "--window-tokens", "16", "--kv-block-tokens", "16", "--samples", "6",
                "--json"), "retrieval-mass", 8 * (5 + 1));
        double none = Double.NaN;
        for (JsonNode row : j.get("results")) {
            double share = row.get("carriedShare").asDouble();
            assertTrue(share > 0 && share <= 1 + 1e-9, row.toString());
            if (row.get("layer").asInt() != -1) continue;
            if (row.get("variant").asText().equals("none")) none = share;
            else assertTrue(share >= none - 1e-12, "a variant that retrieves carries at least the floor: " + row);
        }
        assertTrue(none > 0);
    }

    @Test
    void badValuesGiveOneLineErrors() {
        Result r = run("bench", "retrieval", "--shape", "3,2,8");
        assertTrue(r.code() != 0);
        assertTrue(r.err().strip().startsWith("ringmem: error: ") && r.err().contains("--shape"), r.err());
        Result m = run("bench", "retrieval-mass", "--model", data("models/stories260K/stories260K.bin").toString(), "--segment-tokens",
                "100", "--kv-block-tokens", "64");
        assertTrue(m.code() != 0);
        assertEquals(1, m.err().strip().lines().count(), m.err());
        assertTrue(m.err().contains("multiple"), m.err());
    }
}

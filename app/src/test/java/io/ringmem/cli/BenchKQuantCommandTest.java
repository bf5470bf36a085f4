package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.cli.CliTest.Result;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ringmem.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ringmem bench kquant}: a quick run prints one row per format, as JSON and as a table; only the shape is checked. */
class BenchKQuantCommandTest {
    private static final List<String> FORMATS = List.of("F32", "Q4_K", "Q5_K", "Q6_K", "Q8_K");

    @Test
    void quickRunReportsEveryFormatAgainstF32() throws Exception {
        Result r = run("bench", "kquant", "--quick", "--repeats", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("kquant", j.get("bench").asText());
        assertTrue(j.get("baseline").asText().contains("fp32"), r.out());
        JsonNode rows = j.get("results");
        assertEquals(FORMATS.size(), rows.size(), r.out());
        for (int i = 0; i < FORMATS.size(); i++) {
            JsonNode row = rows.get(i);
            assertEquals(FORMATS.get(i), row.get("format").asText());
            assertEquals("64 x 4096", row.get("shape").asText());
            assertTrue(row.get("ms").asDouble() > 0 && row.get("vsF32").asDouble() > 0, row.toString());
        }
        assertEquals(1.0, rows.get(0).get("vsF32").asDouble(), "F32 against itself");
        assertEquals(144.0 / 256, rows.get(1).get("bytesPerValue").asDouble(), 1e-12, "Q4_K: 144 bytes per 256 values");

        Result table = run("bench", "kquant", "--quick", "--repeats", "1");
        assertEquals(0, table.code(), table.err());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("# K-quant dot benchmark"), table.out());
        assertEquals(3 + FORMATS.size(), lines.size(), table.out());
    }

    @Test
    void badRepeatsGiveOneLineError() {
        Result r = run("bench", "kquant", "--repeats", "0");
        assertTrue(r.code() != 0);
        assertEquals("", r.out());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("ringmem: error: ") && err.contains("--repeats"), err);
    }
}

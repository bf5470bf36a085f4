package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.cli.CliTest.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ringmem.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringmem make-recall-model} and {@code ringmem bench recall} with tiny sizes: the generator writes a loadable
 * folder; the bench's JSON has exactly the specified row shape, exact attention recalls every needle in-window, the
 * plot is a PNG; bad input is one line. Timings are never checked.
 */
class BenchRecallCommandTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void makeModel() {
        model = dir.resolve("recall");
        Result r = run("make-recall-model", "--out", model.toString(), "--context", "2048", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("previous-token head:") && r.out().contains("induction head:"), r.out());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "recall.json")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
    }

    @Test
    void jsonRowsHaveTheSpecifiedShapeAndExactRecallIsOne() throws Exception {
        Path png = dir.resolve("recall.png");
        List<String> modes = List.of("exact", "window", "retrieval", "retrieval-int4", "retrieval-hazelcast",
                "retrieval-per-token", "retrieval-last-exact", "retrieval-last-exact-int2", "retrieval-last-exact-hazelcast",
                "retrieval-two-level", "retrieval-two-level-1");
        Result r = run("bench", "recall", "--model", model.toString(), "--lengths", "600,1500", "--needles", "4",
                "--modes", String.join(",", modes), "--segment-tokens", "256", "--kv-block-tokens", "16", "--distractors", "0.5",
                "--workers", "2", "--plot", png.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("recall", j.get("bench").asText());
        JsonNode rows = j.get("rows");
        assertEquals(2 * modes.size(), rows.size(), r.out());
        Set<String> seen = new HashSet<>();
        Map<String, Double> answerNll = new HashMap<>();
        for (JsonNode row : rows) {
            answerNll.put(row.get("length").asInt() + "/" + row.get("mode").asText(), row.get("answerNll").asDouble());
            List<String> keys = new ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("length", "depth", "mode", "needles", "recall", "answerNll", "seconds", "peakHeapBytes"), keys);
            assertEquals(4, row.get("needles").asInt());
            assertEquals("random", row.get("depth").asText());
            double recall = row.get("recall").asDouble();
            assertTrue(recall >= 0 && recall <= 1, row.toString());
            assertTrue(row.get("answerNll").asDouble() >= 0 && row.get("peakHeapBytes").asLong() > 0, row.toString());
            if (row.get("mode").asText().startsWith("retrieval-last-exact")) {
                assertEquals(1.0, recall, "exact-key ranking in the last layer finds every needle's block: " + row);
            }
            if (row.get("mode").asText().equals("exact")) {
                assertEquals(1.0, recall, "exact attention in the trained window recalls every needle: " + row);
                assertTrue(row.get("answerNll").asDouble() < 1e-3, row.toString());
            }
            seen.add(row.get("length").asInt() + "/" + row.get("mode").asText());
        }
        assertEquals(2 * modes.size(), seen.size(), "one row per length and mode");
        for (int n : new int[]{600, 1500}) { // the exhaustive two-level index chooses the flat scan's blocks
            assertEquals(answerNll.get(n + "/retrieval"), answerNll.get(n + "/retrieval-two-level"), "length " + n);
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    }

    @Test
    void tableHasOneRowPerDepthAndMode() {
        Result r = run("bench", "recall", "--model", model.toString(), "--lengths", "400", "--needles", "2", "--depths", "0.1,0.9",
                "--modes", "exact,window", "--segment-tokens", "128", "--kv-block-tokens", "16");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.startsWith("| 400 |")).toList();
        assertEquals(4, rows.size(), r.out());
        assertTrue(rows.get(0).contains("| 0.10 | exact | 2 | 1.000 |"), rows.get(0));
    }

    @Test
    void badInputIsOneLine() {
        Result tooLong = run("bench", "recall", "--model", model.toString(), "--lengths", "5000", "--modes", "exact",
                "--exact-max-tokens", "4096");
        assertEquals(1, tooLong.code());
        List<String> errors = tooLong.err().lines().filter(l -> l.startsWith("ringmem: error:")).toList();
        assertEquals(1, errors.size(), tooLong.err());
        assertTrue(errors.getFirst().startsWith("ringmem: error: exact attention at 5000 tokens would need about"), tooLong.err());
        assertEquals(tooLong.err().lines().toList().getLast(), errors.getFirst(), "the error is the last line");
        Result mode = run("bench", "recall", "--model", model.toString(), "--modes", "magic");
        assertTrue(mode.code() == 1 && mode.err().contains("unknown mode 'magic'"), mode.err());
        Result zero = run("bench", "recall", "--model", model.toString(), "--modes", "retrieval-two-level-0");
        assertTrue(zero.code() == 1 && zero.err().contains("unknown mode 'retrieval-two-level-0'"), zero.err());
        Result context = run("make-recall-model", "--out", dir.resolve("x").toString(), "--context", "8");
        assertEquals(1, context.code());
        assertTrue(context.err().startsWith("ringmem: error: context 8 is outside the recall model's limits"), context.err());
        Result depth = run("bench", "recall", "--model", model.toString(), "--depths", "1.5");
        assertTrue(depth.code() == 1 && depth.err().contains("--depths"), depth.err());
    }
}

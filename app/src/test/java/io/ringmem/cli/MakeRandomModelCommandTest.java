package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.cli.CliTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringmem.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code make-random-model} writes a GGUF that {@code bench workload} runs, and {@code bench peers} aggregates runs. */
class MakeRandomModelCommandTest {
    @Test
    void writtenModelRunsAndRunsAggregate(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.gguf");
        Result made = run("make-random-model", "--out", model.toString(), "--format", "q8_0", "--vocab", "300", "--hidden", "64",
                "--layers", "1", "--heads", "4", "--kv-heads", "2", "--ffn", "96", "--context", "256");
        assertEquals(0, made.code(), made.err());
        assertTrue(Files.size(model) > 0);
        Result w = run("bench", "workload", "--model", model.toString(), "--tokens", "16", "--decode", "2", "--threads", "1");
        assertEquals(0, w.code(), w.err());
        JsonNode j = new ObjectMapper().readTree(w.out());
        assertEquals("ringmem", j.get("peer").asText());
        assertEquals("decode", j.get("workload").asText());
        assertTrue(j.get("seconds").asDouble() > 0, w.out());
        Path runs = dir.resolve("runs.jsonl");
        String line = w.out().strip();
        Files.writeString(runs, line.substring(0, line.length() - 1) + ",\"round\":1,\"format\":\"q8_0\",\"suite\":\"main\"}\n");
        Result agg = run("bench", "peers", "--runs", runs.toString(), "--vocab", "300", "--hidden", "64", "--layers", "1",
                "--heads", "4", "--kv-heads", "2", "--ffn", "96", "--context", "256");
        assertEquals(0, agg.code(), agg.err());
        assertTrue(agg.out().contains("| decode 2 after 16, Q8_0 |"), agg.out());
    }

    @Test
    void badFormatIsOneLineError(@TempDir Path dir) {
        Result r = run("make-random-model", "--out", dir.resolve("x.gguf").toString(), "--format", "q5_1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown format 'q5_1'") && r.err().strip().lines().count() == 1, r.err());
    }
}

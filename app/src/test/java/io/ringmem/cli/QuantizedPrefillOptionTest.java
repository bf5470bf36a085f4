package io.ringmem.cli;

import io.ringmem.cli.CliTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringmem.cli.CliTest.data;
import static io.ringmem.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --quantized-prefill}: accepted values run, others fail with one line; {@code bench qprefill} validates its options. */
class QuantizedPrefillOptionTest {
    @Test
    void optionIsValidatedInOneLine(@TempDir Path dir) throws Exception {
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, "1 2 3 4 5 6 7 8 9 10 11 12");
        String model = data("models/stories260K/stories260K.bin").toString();
        Result ok = run("score", "--model", model, "--tokens", ids.toString(), "--json", "--quantized-prefill", "INT8");
        assertEquals(0, ok.code(), ok.err());
        Result bad = run("score", "--model", model, "--tokens", ids.toString(), "--quantized-prefill", "int4");
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().contains("--quantized-prefill must be auto, unpack or int8, got 'int4'"), bad.err());
        assertEquals(1, bad.err().lines().filter(l -> l.startsWith("ringmem: error")).count(), bad.err());
        assertTrue(bad.err().lines().noneMatch(l -> l.strip().startsWith("at ")), "no stack trace: " + bad.err());
    }

    @Test
    void benchRejectsBadCounts() {
        Result r = run("bench", "qprefill", "--repeats", "0");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}

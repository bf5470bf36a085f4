package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/ringmem as a user runs it: a separate process on the packaged jar, exit codes, stdout JSON, stderr lines. */
class LauncherIT {
    record Proc(int code, String out, String err) {
    }

    static Path root() {
        return Path.of(System.getProperty("ringmem.rootdir"));
    }

    static Proc ringmem(Path dir, String... args) throws IOException, InterruptedException {
        return ringmem(dir, Map.of(), 120, args);
    }

    /** bin/ringmem with extra environment variables, waiting at most {@code timeoutSeconds}. */
    static Proc ringmem(Path dir, Map<String, String> env, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root().resolve("bin/ringmem").toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "bin/ringmem did not finish");
        Thread.sleep(100); // the launcher filters stderr through a pipe
        return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static String model(String rel) {
        Path given = Path.of(System.getProperty("ringmem.testdata"));
        return (given.isAbsolute() ? given : root().resolve(given)).resolve(rel).normalize().toString();
    }

    @Test
    void scoresThroughTheLauncher(@TempDir Path dir) throws Exception {
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, "1 403 407 261 378 432 383 286 261 376");
        Proc p = ringmem(dir, "score", "--model", model("models/stories260K/stories260K.gguf"), "--tokens", ids.toString(),
                "--workers", "2", "--json");
        assertEquals(0, p.code(), p.err());
        JsonNode j = new ObjectMapper().readTree(p.out());
        assertEquals(10, j.get("tokens").asInt());
        assertEquals(9, j.get("nll").size());
        assertFalse(p.err().contains("incubator"), "the launcher hides the incubator notice: " + p.err());
    }

    @Test
    void userErrorIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
        Proc p = ringmem(dir, "score", "--model", dir.resolve("absent.gguf").toString(), "--tokens", dir.resolve("ids").toString());
        assertEquals(1, p.code());
        List<String> lines = p.err().strip().lines().toList();
        assertEquals(1, lines.size(), p.err());
        assertTrue(lines.getFirst().startsWith("ringmem: error:") && lines.getFirst().contains("absent.gguf"), p.err());
    }
}

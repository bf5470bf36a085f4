package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/ringmem analyze} as a user runs it: the embedded cluster, the report, plots, and {@code hf:} models. */
class AnalyzeIT {
    private static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine. "
            + "One day, she saw a big red ball in the park. She ran to the ball and kicked it high into the sky. ";

    private static LauncherIT.Proc ringmem(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return LauncherIT.ringmem(dir, env, 180, args);
    }

    @Test
    void analyzeWritesReportAndPlotsAndMatchesExactScoring(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.txt"), b = dir.resolve("b.txt");
        Files.writeString(a, STORY.repeat(3));
        Files.writeString(b, STORY);
        String model = LauncherIT.model("models/tinystories-656k");
        LauncherIT.Proc p = ringmem(dir, Map.of(), "analyze", a.toString(), b.toString(), "--model", model, "--workers", "2",
                "--task", "score,embed", "--out", dir.resolve("report.json").toString(), "--plot", dir.resolve("loss.png").toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains("segments (100%)") || p.err().contains("SUCCEEDED"), p.err());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals("tinystories-656k", report.get("model").asText());
        assertEquals(2, report.get("documents").size());
        JsonNode docA = report.get("documents").get(0);
        assertEquals("a.txt", docA.get("id").asText());
        assertEquals(128, docA.get("embedding").size());
        assertTrue(docA.get("storeBytes").asLong() > 0);
        for (String png : List.of("loss-a.txt.png", "loss-b.txt.png")) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertEquals(1200, img.getWidth(), png);
        }
        // one exact segment: the same numbers as the single-process exact scorer
        LauncherIT.Proc exact = ringmem(dir, Map.of(), "score", "--model", model, "--input", a.toString(), "--json");
        assertEquals(0, exact.code(), exact.err());
        JsonNode e = new ObjectMapper().readTree(exact.out());
        assertEquals(e.get("tokens").asInt(), docA.get("tokens").asInt());
        assertEquals(e.get("meanNll").asDouble(), docA.get("meanNll").asDouble(), 1e-4);
    }

    @Test
    void aDocumentPastTheTrainedContextInOneSegmentWarnsOnce(@TempDir Path dir) throws Exception {
        Path longer = dir.resolve("long.txt");
        Files.writeString(longer, STORY.repeat(24)); // about 700 tokens: one default segment of 2048, past 512
        LauncherIT.Proc p = ringmem(dir, Map.of(), "analyze", longer.toString(), "--model", LauncherIT.model("models/tinystories-656k"),
                "--workers", "2", "--out", dir.resolve("report.json").toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(1, p.err().split("trained context of 512", -1).length - 1, "warned once: " + p.err());
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).get("documents").get(0);
        assertTrue(doc.get("tokens").asInt() > 512, doc.toString());
        assertEquals(1, doc.get("segments").size());
        assertEquals("window", doc.get("positions").asText(), "auto: the document is longer than the context");
        assertTrue(doc.get("warnings").get(0).asText().contains("longer than the model's trained context of 512"), doc.toString());
    }

    @Test
    void analyzeDownloadsHubModelsOnceAndThenWorksOffline(@TempDir Path dir) throws Exception {
        Path modelDir = Path.of(LauncherIT.model("models/tinystories-656k"));
        AtomicInteger requests = new AtomicInteger();
        HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", ex -> {
            requests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            if (path.equals("/api/models/test-org/tiny-story/revision/main")) {
                StringBuilder s = new StringBuilder("{\"siblings\":[");
                try (var files = Files.list(modelDir)) {
                    s.append(String.join(",", files.map(f -> "{\"rfilename\":\"" + f.getFileName() + "\"}").toList()));
                }
                body = s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/test-org/tiny-story/resolve/main/")) {
                Path f = modelDir.resolve(path.substring("/test-org/tiny-story/resolve/main/".length()));
                if (Files.isRegularFile(f)) body = Files.readAllBytes(f);
                else {
                    status = 404;
                    body = "{}".getBytes(StandardCharsets.UTF_8);
                }
            } else {
                status = 404;
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        hub.start();
        Path doc = dir.resolve("story.txt");
        Files.writeString(doc, STORY);
        Map<String, String> env = Map.of("HF_ENDPOINT", "http://127.0.0.1:" + hub.getAddress().getPort(),
                "RINGMEM_CACHE", dir.resolve("cache").toString());
        try {
            LauncherIT.Proc first = ringmem(dir, env, "analyze", doc.toString(), "--model", "hf:test-org/tiny-story", "--workers", "1");
            assertEquals(0, first.code(), first.err());
            assertTrue(first.err().contains("downloading"), first.err());
            JsonNode report = new ObjectMapper().readTree(first.out());
            assertEquals("test-org/tiny-story", report.get("model").asText());
            assertTrue(report.get("documents").get(0).get("meanNll").asDouble() > 0);
            assertTrue(requests.get() > 0);
        } finally {
            hub.stop(0);
        }
        LauncherIT.Proc offline = ringmem(dir, env, "analyze", doc.toString(), "--model", "hf:test-org/tiny-story", "--workers", "1");
        assertEquals(0, offline.code(), offline.err());
        LauncherIT.Proc missing = ringmem(dir, Map.of("HF_ENDPOINT", "http://127.0.0.1:1", "RINGMEM_CACHE", dir.resolve("c2").toString()),
                "analyze", doc.toString(), "--model", "hf:test-org/absent");
        assertEquals(1, missing.code(), missing.err());
        assertTrue(missing.err().startsWith("ringmem: error: "), missing.err());
        assertEquals(1, missing.err().strip().lines().filter(l -> l.startsWith("ringmem: error")).count(), missing.err());
    }

    @Test
    void missingInputFileIsAOneLineError(@TempDir Path dir) throws Exception {
        LauncherIT.Proc p = ringmem(dir, Map.of(), "analyze", dir.resolve("nope.txt").toString(),
                "--model", LauncherIT.model("models/tinystories-656k"));
        assertEquals(1, p.code());
        assertTrue(p.err().contains("ringmem: error: cannot read"), p.err());
    }
}

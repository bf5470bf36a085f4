package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.cluster.ClusterOptions;
import io.ringmem.store.crypto.ClusterSecret;
import io.ringmem.store.hazelcast.KubernetesDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract: JSON shapes, exit codes, one-line errors without stack traces. */
class CliTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RingmemCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Result(code, out.toString(), err.toString());
    }

    static Path data(String rel) {
        String p = System.getProperty("ringmem.testdata");
        Path given = Path.of(p);
        Path root = given.isAbsolute() ? given : Path.of(System.getProperty("ringmem.rootdir")).resolve(given);
        return root.resolve(rel).normalize();
    }

    @Test
    void scoreJsonFromTokenIds(@TempDir Path dir) throws Exception {
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, "1 403 407 261 378 432\n383 286 261 376");
        Result r = run("score", "--model", data("models/stories260K/stories260K.bin").toString(), "--tokens", ids.toString(),
                "--workers", "3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(10, j.get("tokens").asInt());
        assertEquals(3, j.get("workers").asInt());
        assertEquals(9, j.get("nll").size());
        double mean = 0;
        for (JsonNode v : j.get("nll")) mean += v.asDouble() / 9;
        assertEquals(mean, j.get("meanNll").asDouble(), 1e-9);
        assertEquals(Math.exp(mean), j.get("perplexity").asDouble(), 1e-6);
        assertTrue(j.get("tokensPerSecond").asDouble() > 0);
        assertTrue(mean < 3, "the golden greedy continuation is likely under the model: " + mean);
    }

    @Test
    void scoreTextAgreesAcrossWorkersAndSchedules(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("story.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily. She loved to play outside.");
        String model = data("models/tinystories-656k").toString();
        JsonNode one = new ObjectMapper().readTree(run("score", "--model", model, "--input", text.toString(), "--json").out());
        for (String schedule : new String[]{"zigzag", "contiguous"}) {
            Result r = run("score", "--model", model, "--input", text.toString(), "--workers", "4", "--schedule", schedule, "--json");
            assertEquals(0, r.code(), r.err());
            JsonNode four = new ObjectMapper().readTree(r.out());
            assertEquals(one.get("tokens").asInt(), four.get("tokens").asInt());
            for (int i = 0; i < one.get("nll").size(); i++) {
                assertEquals(one.get("nll").get(i).asDouble(), four.get("nll").get(i).asDouble(), 1e-4);
            }
        }
    }

    @Test
    void segmentModeJsonAndLosslessFullRetrievalMatchesExact(@TempDir Path dir) throws Exception {
        Path ids = dir.resolve("ids.txt");
        StringBuilder b = new StringBuilder("1");
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 1; i < 64; i++) b.append(' ').append(rnd.nextInt(512));
        Files.writeString(ids, b.toString());
        String model = data("models/stories260K/stories260K.bin").toString();
        JsonNode exact = new ObjectMapper().readTree(run("score", "--model", model, "--tokens", ids.toString(), "--json").out());
        assertEquals("exact", exact.get("mode").asText());
        assertEquals(1, exact.get("segments").asInt());
        Result r = run("score", "--model", model, "--tokens", ids.toString(), "--json", "--workers", "2", "--mode", "segments",
                "--segment-tokens", "16", "--kv-codec", "none", "--retrieve-top-k", "100", "--sink-tokens", "0",
                "--window-tokens", "0", "--kv-block-tokens", "8");
        assertEquals(0, r.code(), r.err());
        JsonNode seg = new ObjectMapper().readTree(r.out());
        assertEquals("segments", seg.get("mode").asText());
        assertEquals(4, seg.get("segments").asInt());
        assertTrue(seg.get("storeBytes").asLong() > 0);
        assertTrue(seg.get("compressionRatio").asDouble() > 0.5 && seg.get("compressionRatio").asDouble() <= 1.0);
        for (int i = 0; i < 63; i++) assertEquals(exact.get("nll").get(i).asDouble(), seg.get("nll").get(i).asDouble(), 1e-4);
        assertTrue(r.err().contains("segment 4/4 done"), r.err());
    }

    @Test
    void pastTheTrainedContextExactWarnsOnceAndSegmentsRunWindowPositions(@TempDir Path dir) throws Exception {
        Path ids = dir.resolve("long.txt"); // 600 ids: past stories260K's trained context of 512
        StringBuilder b = new StringBuilder("1");
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 1; i < 600; i++) b.append(' ').append(rnd.nextInt(512));
        Files.writeString(ids, b.toString());
        String model = data("models/stories260K/stories260K.bin").toString();
        Result exact = run("score", "--model", model, "--tokens", ids.toString(), "--json");
        assertEquals(0, exact.code(), exact.err());
        assertEquals(1, exact.err().split("trained context of 512", -1).length - 1, "warned once: " + exact.err());
        JsonNode e = new ObjectMapper().readTree(exact.out());
        assertEquals("document", e.get("positions").asText());
        assertTrue(e.get("warnings").get(0).asText().startsWith("exact attention over 600 tokens"), e.get("warnings").toString());
        Result window = run("score", "--model", model, "--tokens", ids.toString(), "--json", "--mode", "segments",
                "--segment-tokens", "128");
        JsonNode w = new ObjectMapper().readTree(window.out());
        assertEquals("window", w.get("positions").asText());
        assertEquals(0, w.get("warnings").size());
        assertFalse(window.err().contains("warning"), window.err());
        Result document = run("score", "--model", model, "--tokens", ids.toString(), "--json", "--mode", "segments",
                "--segment-tokens", "128", "--positions", "document");
        assertEquals("document", new ObjectMapper().readTree(document.out()).get("positions").asText());
        assertTrue(document.err().contains("document positions: the document's 600 tokens run past"), document.err());
        assertOneLineError(run("score", "--model", model, "--tokens", ids.toString(), "--mode", "segments", "--positions", "rope"),
                "unknown --positions 'rope'");
    }

    @Test
    void segmentModeWithAHazelcastStoreGivesTheSameScores(@TempDir Path dir) throws Exception {
        Path ids = dir.resolve("ids.txt");
        StringBuilder b = new StringBuilder("1");
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 1; i < 100; i++) b.append(' ').append(rnd.nextInt(512));
        Files.writeString(ids, b.toString());
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path cfg = dir.resolve("store.properties");
        Files.writeString(cfg, "cluster-name=cli-test-" + port + "\nbind-address=127.0.0.1\nport=" + port
                + "\npartition-count=23\nlogging=none\n");
        String model = data("models/stories260K/stories260K.bin").toString();
        String[] common = {"score", "--model", model, "--tokens", ids.toString(), "--json", "--mode", "segments",
                "--segment-tokens", "32", "--kv-codec", "int4", "--retrieve-top-k", "2", "--kv-block-tokens", "8"};
        JsonNode local = new ObjectMapper().readTree(run(common).out());
        String[] withStore = Arrays.copyOf(common, common.length + 2);
        withStore[common.length] = "--store-config";
        withStore[common.length + 1] = cfg.toString();
        Result r = run(withStore);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("Hazelcast store"), r.err());
        JsonNode remote = new ObjectMapper().readTree(r.out());
        assertEquals(local.get("nll"), remote.get("nll"));
        assertEquals(local.get("storeBytes"), remote.get("storeBytes"));
        Files.writeString(cfg, "cluster-name=x\nport=99999\n");
        assertOneLineError(run(withStore), "port");
    }

    @Test
    void generateGreedyJson() throws Exception {
        Result r = run("generate", "--model", data("models/stories260K/stories260K.gguf").toString(), "--max-tokens", "20",
                "--temperature", "0", "--workers", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(21, j.get("ids").size());
        assertEquals(1, j.get("ids").get(0).asInt());
        assertEquals(403, j.get("ids").get(1).asInt());
        assertTrue(j.get("text").asText().startsWith("Once upon a time"), j.get("text").asText());
    }

    @Test
    void generateWithPromptStreamsText() {
        Result r = run("generate", "--model", data("models/tinystories-656k").toString(), "--prompt", "Once upon a time",
                "--max-tokens", "30", "--temperature", "0.8", "--seed", "42", "--workers", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Once upon a time"), r.out());
        assertEquals(r.out(), run("generate", "--model", data("models/tinystories-656k").toString(), "--prompt",
                "Once upon a time", "--max-tokens", "30", "--temperature", "0.8", "--seed", "42", "--workers", "2").out(),
                "same seed, same text");
    }

    private static void assertOneLineError(Result r, String expectedFragment) {
        assertTrue(r.code() != 0, "non-zero exit");
        String err = r.err().strip();
        assertTrue(err.contains(expectedFragment), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        String[] lines = err.lines().filter(l -> l.startsWith("ringmem: error") || l.startsWith("ringmem: internal"))
                .toArray(String[]::new);
        assertEquals(1, lines.length, err);
        assertTrue(lines[0].startsWith("ringmem: error:"), err);
    }

    @Test
    void badInputsGiveOneLineErrors(@TempDir Path dir) throws Exception {
        String model = data("models/stories260K/stories260K.bin").toString();
        Path ids = dir.resolve("ids.txt");
        Files.writeString(ids, "1 2 3");
        assertOneLineError(run("score", "--model", dir.resolve("missing.gguf").toString(), "--tokens", ids.toString()), "missing.gguf");
        Path corrupt = dir.resolve("corrupt.gguf");
        Files.write(corrupt, new byte[]{'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        assertOneLineError(run("score", "--model", corrupt.toString(), "--tokens", ids.toString()), "corrupt.gguf");
        Path badIds = dir.resolve("bad.txt");
        Files.writeString(badIds, "1 2 99999");
        assertOneLineError(run("score", "--model", model, "--tokens", badIds.toString()), "99999");
        Files.writeString(badIds, "1 two 3");
        assertOneLineError(run("score", "--model", model, "--tokens", badIds.toString()), "two");
        assertOneLineError(run("score", "--model", model, "--tokens", ids.toString(), "--workers", "4"), "4 workers");
        assertOneLineError(run("score", "--model", model, "--tokens", ids.toString(), "--schedule", "spiral"), "spiral");
        assertOneLineError(run("score", "--model", model, "--input", dir.resolve("nope.txt").toString()), "nope.txt");
        assertOneLineError(run("generate", "--model", model, "--temperature", "-1"), "temperature");
        assertOneLineError(run("score", "--model", model, "--tokens", ids.toString(), "--mode", "segments", "--kv-codec", "int3"), "int3");
        assertOneLineError(run("score", "--model", model, "--tokens", ids.toString(), "--mode", "chunks"), "chunks");
        Result noInput = run("score", "--model", model);
        assertTrue(noInput.code() != 0 && noInput.err().contains("--input"), noInput.err());
    }

    @Test
    void clusterProcessesRefuseToExposeThemselvesWithoutASecret(@TempDir Path dir) throws Exception {
        String model = data("models/stories260K/stories260K.bin").toString();
        Path shortSecret = Files.writeString(dir.resolve("short"), "too short\n");
        // the coordinator's REST API needs keys or development mode first: the cluster checks come next
        for (String[] role : new String[][] {{"worker", "--http-port", "-1"}, {"coordinator", "--insecure-loopback"}}) {
            assertOneLineError(run(concat(role, "--model", model, "--bind", "0.0.0.0")),
                    "bind address 0.0.0.0 is reachable from other hosts: a cluster secret is required");
            assertOneLineError(run(concat(role, "--model", model, "--kubernetes-service", "svc", "--kubernetes-namespace", "ns")),
                    "Kubernetes discovery is reachable from other hosts");
            assertOneLineError(run(concat(role, "--model", model, "--cluster-secret", dir.resolve("missing").toString())),
                    "cannot read cluster secret file");
            assertOneLineError(run(concat(role, "--model", model, "--cluster-secret", shortSecret.toString())), "too short");
            assertOneLineError(run(concat(role, "--model", model, "--retention", "soon")), "--retention");
        }
        String pem = dir.resolve("missing.pem").toString();
        assertOneLineError(run("worker", "--http-port", "-1", "--model", model, "--ring-tls-cert", pem), "ring TLS needs all of");
        assertOneLineError(run("worker", "--http-port", "-1", "--model", model, "--ring-tls-cert", pem, "--ring-tls-key", pem,
                "--ring-tls-ca", pem), "cannot read --ring-tls-cert");
        ClusterOptions k8s = new ClusterOptions("ringmem", List.of("127.0.0.1:5701"), 5701, Optional.of("10.1.2.3"),
                Optional.of(new KubernetesDiscovery("ns", "svc")), "none", 10)
                .withSecret(ClusterSecret.of("a secret of 32 bytes, not short"));
        assertTrue(k8s.storeConfig().members().isEmpty(), "the default member list is ignored with Kubernetes discovery");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}

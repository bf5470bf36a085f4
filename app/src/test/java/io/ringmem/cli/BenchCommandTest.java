package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.cli.CliTest.Result;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static io.ringmem.cli.CliTest.data;
import static io.ringmem.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringmem bench}: every subcommand runs with tiny parameters and prints a well-formed table or JSON report;
 * bad values give one-line errors. Only the shape of the output is checked, never the timings.
 */
class BenchCommandTest {
    private static final String MODEL = "models/stories260K/stories260K.bin";

    private static JsonNode json(Result r, String bench, int rows) throws Exception {
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(bench, j.get("bench").asText());
        assertTrue(j.get("machine").get("cores").asInt() >= 1, r.out());
        assertTrue(j.get("machine").get("lanes").asInt() >= 1, r.out());
        assertFalse(j.get("machine").get("cpu").asText().isEmpty(), r.out());
        assertFalse(j.get("baseline").asText().isEmpty(), r.out());
        assertTrue(j.get("settings").isObject(), r.out());
        assertEquals(rows, j.get("results").size(), r.out());
        return j;
    }

    private static List<String> table(Result r, String firstLine) {
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().startsWith(firstLine), r.out());
        return lines;
    }

    private static void assertMarkdownRows(List<String> lines, int from, int rows) {
        assertEquals(from + rows, lines.size(), String.join("\n", lines));
        int columns = lines.get(from - 1).split("\\|", -1).length;
        for (String line : lines.subList(from, lines.size())) {
            assertTrue(line.startsWith("| ") && line.endsWith(" |"), line);
            assertEquals(columns, line.split("\\|", -1).length, line);
        }
    }

    @Test
    void kernels() throws Exception {
        String[] tiny = {"bench", "kernels", "--quick", "--threads", "1", "--warmup", "0", "--warmup-seconds", "0", "--samples", "1",
                "--budget-seconds", "0"};
        JsonNode j = json(run(append(tiny, "--json")), "kernels", 10);
        assertEquals(1, j.get("settings").get("options").get("threads").asInt());
        JsonNode matmul = j.get("results").get(0);
        assertEquals("matmul", matmul.get("kernel").asText());
        assertTrue(matmul.get("speedup").asDouble() > 0 && matmul.get("vectorGflops").asDouble() > 0, matmul.toString());
        assertTrue(j.get("results").get(9).get("vectorGflops").isNull(), "elementwise kernels count no flops");
        List<String> lines = table(run(tiny), "# Kernel benchmark: ");
        assertTrue(lines.get(1).startsWith("# fp32 peak: "), lines.get(1));
        assertTrue(lines.get(4).startsWith("kernel "), lines.get(4));
        assertEquals(5 + 10, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(5).startsWith("matmul ") && lines.get(5).contains("x "), lines.get(5));
    }

    @Test
    void kernelsAtLongContext() throws Exception {
        String[] tiny = {"bench", "kernels", "--threads", "1", "--warmup", "0", "--warmup-seconds", "0", "--samples", "1",
                "--budget-seconds", "0", "--attention-lengths", "40,70", "--attention-head-dims", "8,16", "--attention-heads", "4",
                "--attention-kv-heads", "2", "--attention-only"};
        JsonNode j = json(run(append(tiny, "--json")), "kernels", 4);
        JsonNode row = j.get("results").get(3);
        assertEquals("attention", row.get("kernel").asText());
        assertTrue(row.get("shape").asText().startsWith("len=70 h=4 kv=2 hd=16 causal"), row.toString());
        assertTrue(row.get("vectorGflops").asDouble() > 0 && row.get("scalarMs").asDouble() > 0, row.toString());
        assertEquals(70, j.get("settings").get("options").get("longAttention").get("lengths").get(1).asInt(), j.toString());
        assertEquals(5 + 4, table(run(tiny), "# Kernel benchmark: ").size());
        assertOneLineError(run("bench", "kernels", "--attention-only"), "--attention-lengths");
        assertOneLineError(run("bench", "kernels", "--attention-lengths", "64", "--attention-heads", "6", "--attention-kv-heads", "4"),
                "multiple");
    }

    @Test
    void prefill() throws Exception {
        String[] tiny = {"bench", "prefill", "--model", data(MODEL).toString(), "--lengths", "16,24", "--ranks", "1,2", "--threads", "1"};
        JsonNode j = json(run(append(tiny, "--json")), "prefill", 4);
        JsonNode first = j.get("results").get(0);
        assertEquals(16, first.get("tokens").asInt());
        assertEquals(1, first.get("ranks").asInt());
        assertEquals(1.0, first.get("speedup").asDouble(), 1e-12, "the first rank count is the baseline");
        assertTrue(j.get("results").get(1).get("tokensPerSecond").asDouble() > 0);
        List<String> lines = table(run(tiny), "prefill: kernels=vector");
        assertTrue(lines.get(1).contains("| vs P=1 |"), lines.get(1));
        assertMarkdownRows(lines, 3, 4);
    }

    @Test
    void decode() throws Exception {
        String[] tiny = {"bench", "decode", "--model", data(MODEL).toString(), "--prompts", "8,20", "--tokens", "6", "--reps", "1",
                "--threads", "1", "--workers", "2"};
        JsonNode j = json(run(append(tiny, "--json")), "decode", 2);
        JsonNode first = j.get("results").get(0);
        assertEquals(8, first.get("promptTokens").asInt());
        assertEquals(6, first.get("tokens").asInt());
        assertTrue(first.get("tokensPerSecond").asDouble() > 0, first.toString());
        double shares = 0;
        for (String s : List.of("matmulShare", "attentionShare", "samplingShare", "otherShare")) {
            assertTrue(first.get(s).asDouble() >= 0 || s.equals("otherShare"), first.toString());
            shares += first.get(s).asDouble();
        }
        assertEquals(1.0, shares, 1e-9, "the split covers the decode wall time: " + first);
        assertTrue(first.get("matmulShare").asDouble() > 0 && first.get("attentionShare").asDouble() > 0, first.toString());
        assertTrue(j.get("settings").get("peakGflops").isNumber(), j.toString());
        List<String> lines = table(run(tiny), "decode: kernels=vector, threads=1, workers=2");
        assertTrue(lines.get(1).startsWith("machine: ") && lines.get(1).contains("peak"), lines.get(1));
        assertTrue(lines.get(2).contains("| matmul | attention | sampling | other |"), lines.get(2));
        assertMarkdownRows(lines, 4, 2);
    }

    @Test
    void ring() throws Exception {
        String[] tiny = {"bench", "ring", "--lengths", "32", "--ranks", "2,3", "--heads", "2", "--kv-heads", "1", "--head-dim", "8",
                "--reps", "1", "--threads", "1"};
        JsonNode j = json(run(append(tiny, "--json")), "ring", 2);
        JsonNode row = j.get("results").get(1);
        assertEquals(3, row.get("ranks").asInt());
        assertEquals(row.get("seconds").asDouble() / row.get("singleRankSeconds").asDouble(), row.get("ratio").asDouble(), 1e-9);
        assertMarkdownRows(table(run(tiny), "ring attention vs single-rank blockwise attention: heads 2 / kv 1"), 3, 2);
    }

    @Test
    void quality() throws Exception {
        String[] tiny = {"bench", "quality", "--model", data(MODEL).toString(), "--tokens", "160", "--source", "random",
                "--segments", "64", "--top-k", "1", "--threads", "1"};
        JsonNode j = json(run(append(tiny, "--json")), "quality", 1 + 2 + 4 + 3 + 2);
        JsonNode exact = j.get("results").get(0);
        assertEquals("exact full attention", exact.get("setting").asText());
        assertEquals(0.0, exact.get("deltaVsExact").asDouble());
        assertTrue(exact.get("codec").isNull(), exact.toString());
        JsonNode topK = j.get("results").get(3);
        assertEquals("none", topK.get("codec").asText());
        assertEquals(topK.get("meanNll").asDouble() - exact.get("meanNll").asDouble(), topK.get("deltaVsExact").asDouble(), 1e-9);
        assertEquals(1, j.get("settings").get("recovery").size(), j.toString());
        List<String> lines = table(run(tiny), "| model | tokens | setting |");
        // exact; no context, sinks + window, top-1 x 4 codecs, the recovery note, every block x 3 codecs, 2 keep-ratio rows
        assertMarkdownRows(lines, 2, 1 + 2 + 4 + 1 + 3 + 2);
        assertTrue(lines.get(2).contains("| exact full attention | – |") && lines.get(2).contains(" | 0 | – |"), lines.get(2));
    }

    @Test
    void positions() throws Exception {
        // stories260K with its context forced to 128: a sample of at most 128 tokens repeated to at most 300
        String[] tiny = {"bench", "positions", "--model", data(MODEL).toString(), "--tokens", "300", "--context-tokens", "128",
                "--segments", "64", "--repeats", "1", "--threads", "1"};
        JsonNode j = json(run(append(tiny, "--json")), "positions", 3);
        assertEquals("exact", j.get("results").get(0).get("setting").asText());
        assertEquals("document", j.get("results").get(1).get("positions").asText());
        assertEquals("window", j.get("results").get(2).get("positions").asText());
        int tokens = j.get("settings").get("tokens").asInt();
        assertEquals((tokens - 1 + 127) / 128, j.get("results").get(2).get("windowNll").size(), "one mean per 128 predictions");
        JsonNode cost = j.get("settings").get("cost").get(0);
        assertEquals(cost.get("windowSeconds").asDouble() / cost.get("documentSeconds").asDouble(), cost.get("ratio").asDouble(), 1e-9);
        List<String> lines = table(run(tiny), "stories260K.bin, ");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("| segments S=64 | window | ")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("S=64: per segment, window / document positions")), String.join("\n", lines));
    }

    @Test
    void codec() throws Exception {
        String[] tiny = {"bench", "codec", "--megabytes", "0.05", "--warmup-seconds", "0", "--samples", "1"};
        JsonNode j = json(run(append(tiny, "--json")), "codec", 4);
        assertEquals("none", j.get("results").get(0).get("codec").asText());
        assertEquals("int2", j.get("results").get(3).get("codec").asText());
        assertTrue(j.get("results").get(1).get("ratio").asDouble() > 1, j.toString());
        assertEquals(1.0, j.get("results").get(0).get("encodeVsFirst").asDouble(), "none is the baseline");
        JsonNode int8 = j.get("results").get(1);
        assertEquals(int8.get("decodeMBps").asDouble() / j.get("results").get(0).get("decodeMBps").asDouble(),
                int8.get("decodeVsFirst").asDouble(), 1e-9);
        List<String> lines = table(run(tiny), "KV codecs on 0.1 MB of fp32 k+v");
        assertEquals(2 + 4, lines.size(), r(lines));
        assertTrue(lines.get(2).startsWith("none ") && lines.get(2).contains(" 1.00 "), lines.get(2));
    }

    @Test
    void store() throws Exception {
        JsonNode j = json(run("bench", "store", "--block-kib", "4", "--ops", "2", "--warmup-ops", "0", "--json"), "store", 7);
        assertEquals(4096, j.get("settings").get("options").get("blockBytes").asInt());
        assertEquals("embedded / Hazelcast DataSerializable", j.get("results").get(0).get("name").asText());
        assertTrue(j.get("baseline").asText().startsWith("embedded / Hazelcast DataSerializable"), j.toString());
        assertTrue(j.get("results").get(5).get("getMBps").asDouble() > 0, j.toString());
        assertEquals(1.0, j.get("results").get(0).get("putVsFirst").asDouble(), "the first scenario is the baseline");
        assertTrue(j.get("results").get(4).get("getVsFirst").asDouble() > 0, j.toString());
        JsonNode enc = j.get("results").get(6);
        assertTrue(enc.get("name").asText().contains("AES-256-GCM vs plain"), enc.toString());
        assertTrue(enc.get("putRatio").asDouble() > 0 && enc.get("getRatio").asDouble() > 0, enc.toString());
        assertTrue(enc.get("sealedGetMBps").asDouble() > 0 && enc.get("plainPutMBps").asDouble() > 0, enc.toString());
    }

    @Test
    void storeTable() {
        List<String> lines = table(run("bench", "store", "--block-kib", "4", "--ops", "1", "--warmup-ops", "0"), "scenario ");
        assertEquals(1 + 6 + 3, lines.size(), r(lines));
        assertTrue(lines.get(8).contains("AES-256-GCM vs plain (paired, alternating), 6 rounds"), r(lines));
        assertTrue(lines.get(1).startsWith("embedded / Hazelcast DataSerializable") && lines.get(1).endsWith(" 1.00      1.00"),
                lines.get(1));
    }

    @Test
    void transport() throws Exception {
        String[] tiny = {"bench", "transport", "--ranks", "2", "--tokens", "8,16", "--kv-dim", "4", "--layers", "1", "--warmup", "0",
                "--reps", "1"};
        JsonNode j = json(run(append(tiny, "--json")), "transport", 2);
        JsonNode row = j.get("results").get(1);
        assertEquals(16, row.get("tokens").asInt());
        assertTrue(row.get("tcpOverMemory").asDouble() > 0 && row.get("tcpMBps").asDouble() > 0, row.toString());
        assertMarkdownRows(table(run(tiny), "# ring transport: kvDim 4"), 3, 2);
    }

    @Test
    void transportOverMutualTlsAddsItsColumnsInTheSameRun(@TempDir Path dir) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=ring bench");
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        Base64.Encoder b64 = Base64.getMimeEncoder();
        Path crt = Files.writeString(dir.resolve("ring.crt"), "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n"); // self-signed: its own CA
        Path key = Files.writeString(dir.resolve("ring.key"), "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        String[] tiny = {"bench", "transport", "--ranks", "2", "--tokens", "8", "--kv-dim", "4", "--layers", "1", "--warmup", "0",
            "--reps", "1", "--ring-tls-cert", crt.toString(), "--ring-tls-key", key.toString(), "--ring-tls-ca", crt.toString()};
        JsonNode row = json(run(append(tiny, "--json")), "transport", 1).get("results").get(0);
        assertTrue(row.get("tls").get("tlsOverTcp").asDouble() > 0 && row.get("tls").get("mbps").asDouble() > 0, row.toString());
        List<String> table = table(run(tiny), "# ring transport: kvDim 4");
        assertMarkdownRows(table, 3, 1);
        assertTrue(table.get(1).contains("TLS / TCP"), table.get(1));
        assertOneLineError(run("bench", "transport", "--ring-tls-cert", crt.toString()), "ring TLS needs all of");
    }

    @Test
    void helpListsEverySubcommandAndItsOptions() {
        Result r = run("bench", "--help");
        assertEquals(0, r.code(), r.err());
        for (String sub : List.of("kernels", "prefill", "decode", "ring", "quality", "positions", "codec", "store", "transport")) {
            assertTrue(r.out().contains("  " + sub + " "), r.out());
            Result help = run("bench", sub, "--help");
            assertEquals(0, help.code(), help.err());
            assertTrue(help.out().startsWith("Usage: ringmem bench " + sub), help.out());
            assertTrue(help.out().contains("default"), help.out());
        }
    }

    @Test
    void badValuesGiveOneLineErrors() {
        String model = data(MODEL).toString();
        assertOneLineError(run("bench", "kernels", "--threads", "0"), "--threads");
        assertOneLineError(run("bench", "kernels", "--samples", "0"), "--samples");
        assertOneLineError(run("bench", "prefill", "--model", model, "--ranks", "1,0"), "--ranks");
        assertOneLineError(run("bench", "prefill", "--model", model, "--reps", "0"), "--reps");
        assertOneLineError(run("bench", "decode", "--model", model, "--tokens", "0"), "--tokens");
        assertOneLineError(run("bench", "ring", "--heads", "3", "--kv-heads", "2"), "heads");
        assertOneLineError(run("bench", "ring", "--schedule", "spiral"), "spiral");
        assertOneLineError(run("bench", "quality", "--model", model, "--tokens", "1"), "--tokens");
        assertOneLineError(run("bench", "positions", "--model", model, "--repeats", "0"), "--repeats");
        assertOneLineError(run("bench", "positions", "--model", model, "--source", "novel"), "novel");
        assertOneLineError(run("bench", "codec", "--megabytes", "-1"), "--megabytes");
        assertOneLineError(run("bench", "store", "--ops", "0"), "--ops");
        assertOneLineError(run("bench", "transport", "--ranks", "1"), "--ranks");
        assertOneLineError(run("bench", "transport", "--reps", "many"), "'many'");
        assertOneLineError(run("bench", "codec", "--frobnicate"), "--frobnicate");
    }

    private static void assertOneLineError(Result r, String expectedFragment) {
        assertTrue(r.code() != 0, "non-zero exit");
        assertEquals("", r.out(), "nothing on stdout");
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("ringmem: error: ") && err.contains(expectedFragment), err);
    }

    private static String[] append(String[] args, String arg) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = arg;
        return all;
    }

    private static String r(List<String> lines) {
        return String.join("\n", lines);
    }
}

package io.ringmem.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringmem coordinator}'s authentication options refuse a coordinator that would serve an open REST API, and
 * bad key or TLS files, each with one line before anything is loaded or bound; client commands refuse bad key files.
 */
class CoordinatorAuthCliTest {
    private static CliTest.Result coordinator(String... more) {
        String[] base = {"coordinator", "--model", CliTest.data("models/tinystories-656k").toString(), "--http-port", "0"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliTest.run(args);
    }

    private static void oneLine(CliTest.Result r, String fragment) {
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(fragment), "'" + fragment + "' missing from: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void refusesToStartWithoutKeysUnlessLoopbackDevelopmentModeIsAskedFor(@TempDir Path dir) throws Exception {
        oneLine(coordinator(), "--api-keys FILE is required");
        // the REST API's own bind (--http-bind; --bind 0.0.0.0 would first need a cluster secret for Hazelcast)
        oneLine(coordinator("--insecure-loopback", "--http-bind", "0.0.0.0"), "may only bind a loopback address");
        Path secret = Files.writeString(dir.resolve("secret"), "a cluster secret of enough bytes\n");
        oneLine(coordinator("--insecure-loopback", "--bind", "0.0.0.0", "--cluster-secret", secret.toString()),
                "may only bind a loopback address");
        Path keys = Files.writeString(dir.resolve("keys"), "alice:" + "s".repeat(32) + "\n");
        oneLine(coordinator("--insecure-loopback", "--api-keys", keys.toString()), "exclude each other");
    }

    @Test
    void badKeyAndTlsFilesGiveOneLine(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "# keys\nalice:tooshort:admin\n");
        CliTest.Result r = coordinator("--api-keys", keys.toString());
        oneLine(r, "API keys file " + keys + " line 2: a secret must be 24 to 256 characters");
        assertFalse(r.err().contains("tooshort"), "the secret is not echoed: " + r.err());
        oneLine(coordinator("--api-keys", dir.resolve("missing").toString()), "cannot read the API keys file");
        Path good = Files.writeString(dir.resolve("good"), "alice:" + "s".repeat(32) + "\n");
        oneLine(coordinator("--api-keys", good.toString(), "--tls-cert", good.toString()), "--tls-cert and --tls-key go together");
        oneLine(coordinator("--api-keys", good.toString(), "--tls-cert", good.toString(), "--tls-key", good.toString()),
                "is not a PEM certificate");
        oneLine(coordinator("--api-keys", good.toString(), "--rate-limit", "0"), "--rate-limit/--rate-burst/--max-active-jobs");
    }

    @Test
    void clientCommandsReadTheKeyFileAndRefuseAnEmptyOne(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.key"), "\n\n");
        oneLine(CliTest.run("status", "--api-key-file", empty.toString(), "job-x"), "--api-key-file " + empty + " is empty");
        oneLine(CliTest.run("status", "--api-key-file", dir.resolve("none").toString(), "job-x"), "cannot read --api-key-file");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        oneLine(CliTest.run("status", "--tls-ca", ca.toString(), "--url", "https://127.0.0.1:1", "job-x"), "ca.pem");
    }
}

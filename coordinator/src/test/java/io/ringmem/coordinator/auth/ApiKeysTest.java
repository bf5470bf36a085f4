package io.ringmem.coordinator.auth;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API keys file: its format, its one-line errors, and authentication against hashes only. */
class ApiKeysTest {
    private static final String ALICE = "alice-secret-0123456789abcdef";
    private static final String OPS = "ops-secret-0123456789abcdef01";

    @Test
    void parsesIdsRolesLimitsAndHashedSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# comment\n\nalice:" + ALICE + "\r\nops:{sha256}" + HexFormat.of().formatHex(ApiKeys.sha256(OPS))
                + ":admin\nbatch:batch-secret-0123456789abcdef:user:rate=2.5,jobs=3\n");
        ApiKeys keys = ApiKeys.load(file, KeyLimits.DEFAULTS);
        assertEquals(List.of("alice", "ops", "batch"), keys.keys().stream().map(ApiKey::id).toList());
        ApiKey alice = keys.authenticate(ALICE).orElseThrow();
        assertEquals(Role.USER, alice.role());
        assertEquals(KeyLimits.DEFAULTS, alice.limits());
        assertEquals(Role.ADMIN, keys.authenticate(OPS).orElseThrow().role());
        assertEquals(new KeyLimits(2.5, KeyLimits.DEFAULTS.burst(), 3),
                keys.authenticate("batch-secret-0123456789abcdef").orElseThrow().limits());
        assertTrue(keys.authenticate(ALICE + "x").isEmpty());
        assertTrue(keys.authenticate(ALICE.substring(1)).isEmpty());
        assertTrue(keys.authenticate("").isEmpty());
        assertTrue(keys.authenticate(null).isEmpty());
        assertTrue(keys.authenticate("{sha256}" + HexFormat.of().formatHex(ApiKeys.sha256(OPS))).isEmpty(), "a hash is not a key");
        assertTrue(keys.authenticate("a".repeat(ApiKeys.MAX_SECRET_CHARS + 1)).isEmpty());
        assertFalse(alice.toString().contains(ALICE));
    }

    private static String error(String... lines) {
        RingmemException e = assertThrows(RingmemException.class, () -> ApiKeys.parse(List.of(lines), "keys.txt", KeyLimits.DEFAULTS));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String line : lines) {
            String[] f = line.split(":");
            if (f.length > 1 && f[1].length() > 8) {
                assertFalse(e.getMessage().contains(f[1]), "the secret is not echoed: " + e.getMessage());
            }
        }
        return e.getMessage();
    }

    @Test
    void badFilesGiveOneLineNamingTheFileAndLine(@TempDir Path dir) {
        assertTrue(error("alice:" + ALICE, "justonefield").startsWith("API keys file keys.txt line 2: expected 2 to 4"));
        assertTrue(error("alice:short-secret").contains("line 1: a secret must be 24 to 256 characters"));
        assertTrue(error("alice:" + ALICE + ":root").contains("role must be admin or user, got 'root'"));
        assertTrue(error("alice:" + ALICE + ":user:rate=fast").contains("limit rate is not a number: 'fast'"));
        assertTrue(error("alice:" + ALICE + ":user:rate=0").contains("the request rate must be a finite number > 0"));
        assertTrue(error("alice:" + ALICE + ":user:speed=3").contains("unknown limit 'speed'"));
        assertTrue(error("al ice:" + ALICE).contains("a key id must be"));
        assertTrue(error("alice:{sha256}abc").contains("64 hex digits"));
        assertTrue(error("alice:" + ALICE, "alice:" + OPS).contains("key id 'alice' appears twice"));
        assertTrue(error("alice:" + ALICE, "bob:" + ALICE).contains("same secret as another key"));
        assertTrue(error("# nothing but comments").contains("no API keys"));
        RingmemException missing = assertThrows(RingmemException.class, () -> ApiKeys.load(dir.resolve("nope"), KeyLimits.DEFAULTS));
        assertTrue(missing.getMessage().startsWith("cannot read the API keys file"), missing.getMessage());
    }

    @Test
    void theTokenBucketAllowsTheBurstThenTheRateOnAnInjectedClock() {
        long[] now = {0};
        RateLimiter limiter = new RateLimiter(() -> now[0]);
        Caller c = new Caller("c", Role.USER, new KeyLimits(2, 3, 1));
        assertEquals(0, limiter.acquire(c));
        assertEquals(0, limiter.acquire(c));
        assertEquals(0, limiter.acquire(c));
        assertEquals(1, limiter.acquire(c), "the burst of 3 is spent: about 0.5 s to the next token, rounded up");
        now[0] += 500_000_000L;
        assertEquals(0, limiter.acquire(c), "2 per second: one token after 0.5 s");
        assertEquals(1, limiter.acquire(c));
        now[0] += 60_000_000_000L;
        for (int i = 0; i < 3; i++) assertEquals(0, limiter.acquire(c), "a long pause refills only up to the burst");
        assertEquals(1, limiter.acquire(c));
        assertEquals(0, limiter.acquire(new Caller("d", Role.USER, new KeyLimits(2, 3, 1))), "buckets are per key");
    }
}

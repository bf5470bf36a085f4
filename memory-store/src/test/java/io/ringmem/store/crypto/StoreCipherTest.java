package io.ringmem.store.crypto;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreCipherTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("correct horse battery staple 42");
    private static final ClusterSecret OTHER = ClusterSecret.of("another deployment's secret!!");
    private static final byte[] PLAIN = "token ids 1 2 3 and a KV block".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void roundTripHidesThePlaintext() {
        StoreCipher c = StoreCipher.of(SECRET);
        byte[] sealed = c.seal("ringmem-jobs", "job-1", PLAIN);
        assertEquals(PLAIN.length + StoreCipher.OVERHEAD, sealed.length);
        assertFalse(contains(sealed, "token ids".getBytes(StandardCharsets.UTF_8)), "plaintext visible in the record");
        assertArrayEquals(PLAIN, c.open("ringmem-jobs", "job-1", sealed));
        assertArrayEquals(PLAIN, StoreCipher.of(SECRET).open("ringmem-jobs", "job-1", sealed), "another process, same secret");
        assertNotEquals(Arrays.toString(sealed), Arrays.toString(c.seal("ringmem-jobs", "job-1", PLAIN)), "nonces repeat");
    }

    @Test
    void largeValuesAreSealedInChunksThatCannotBeReorderedOrCutOff() {
        StoreCipher c = StoreCipher.of(SECRET);
        int chunk = StoreCipher.CHUNK, tagged = chunk + 16;
        for (int n : new int[] {0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 17}) {
            byte[] v = new byte[n];
            new Random(n).nextBytes(v);
            byte[] sealed = c.seal("m", "k", v);
            assertEquals(n + 20 + 16 * Math.max(1, (n + chunk - 1) / chunk), sealed.length, "size of " + n);
            assertArrayEquals(v, c.open("m", "k", sealed), "round trip of " + n);
        }
        byte[] v = new byte[3 * chunk + 17];
        byte[] sealed = c.seal("m", "k", v);
        assertMessage("failed authentication", () -> c.open("m", "k", Arrays.copyOf(sealed, 20 + 2 * tagged)));
        assertMessage("truncated", () -> c.open("m", "k", Arrays.copyOf(sealed, 20 + 3 * tagged + 5)));
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, 20, swapped, 20 + tagged, tagged);
        System.arraycopy(sealed, 20 + tagged, swapped, 20, tagged);
        assertMessage("failed authentication", () -> c.open("m", "k", swapped));
    }

    @Test
    void valueBoundToMapAndKey() {
        StoreCipher c = StoreCipher.of(SECRET);
        byte[] sealed = c.seal("ringmem-results", "job-1", PLAIN);
        assertMessage("failed authentication", () -> c.open("ringmem-results", "job-2", sealed));
        assertMessage("failed authentication", () -> c.open("ringmem-jobs", "job-1", sealed));
    }

    @Test
    void tamperedForgedAndPlainRecordsAreRefused() {
        StoreCipher c = StoreCipher.of(SECRET);
        for (int i = 8; i < PLAIN.length + StoreCipher.OVERHEAD; i += 7) {
            byte[] sealed = c.seal("m", "k", PLAIN);
            sealed[i] ^= 1;
            assertMessage("failed authentication", () -> c.open("m", "k", sealed));
        }
        byte[] plain = StoreCipher.plain().seal("m", "k", PLAIN);
        assertMessage("not encrypted", () -> c.open("m", "k", plain));
        assertMessage("bad header", () -> c.open("m", "k", PLAIN));
        assertMessage("truncated", () -> c.open("m", "k", Arrays.copyOf(c.seal("m", "k", PLAIN), 20)));
    }

    @Test
    void unknownKeyIdIsAClearError() {
        byte[] sealed = StoreCipher.of(OTHER).seal("m", "k", PLAIN);
        SealedValueException e = assertThrows(SealedValueException.class, () -> StoreCipher.of(SECRET).open("m", "k", sealed));
        assertTrue(e.getMessage().contains("sealed under key id 0x") && e.getMessage().contains("cluster secret differs"),
                e.getMessage());
        assertMessage("no key (start it with --cluster-secret)", () -> StoreCipher.plain().open("m", "k", sealed));
        // same key id (forced), different key: authentication fails, never a wrong value
        byte[] forged = StoreCipher.of(OTHER).seal("m", "k", PLAIN);
        int mine = StoreCipher.of(SECRET).keyId();
        forged[4] = (byte) (mine >>> 24);
        forged[5] = (byte) (mine >>> 16);
        forged[6] = (byte) (mine >>> 8);
        forged[7] = (byte) mine;
        assertMessage("failed authentication", () -> StoreCipher.of(SECRET).open("m", "k", forged));
    }

    @Test
    void rotatedSecretStillOpensOldValues() throws Exception {
        byte[] old = StoreCipher.of(OTHER).seal("m", "k", PLAIN);
        Path file = Files.writeString(dir.resolve("secret"), "  correct horse battery staple 42\n\nanother deployment's secret!!\n");
        ClusterSecret rotated = ClusterSecret.read(file);
        StoreCipher c = StoreCipher.of(rotated);
        assertArrayEquals(PLAIN, c.open("m", "k", old));
        assertEquals(StoreCipher.of(SECRET).keyId(), c.keyId(), "the first line seals new values");
        assertEquals(SECRET.clusterName("ringmem"), rotated.clusterName("ringmem"));
    }

    @Test
    void derivationsDifferPerSecretAndPurpose() {
        assertNotEquals(SECRET.clusterName("ringmem"), OTHER.clusterName("ringmem"));
        assertTrue(SECRET.clusterName("ringmem").matches("ringmem-[0-9a-f]{16}"));
        assertNotEquals(StoreCipher.of(SECRET).keyId(), StoreCipher.of(OTHER).keyId());
        byte[] raw = "correct horse battery staple 42".getBytes(StandardCharsets.UTF_8);
        assertFalse(Arrays.equals(ClusterSecret.derive(raw, "a", 32), ClusterSecret.derive(raw, "b", 32)));
    }

    @Test
    void ringSessionKeysAreDeterministicPerSecretSessionAndNonce() {
        byte[] nonce = new byte[32];
        byte[] other = nonce.clone();
        other[31] = 1;
        byte[] key = SECRET.ringSessionKey("job/doc/0/7", nonce);
        assertEquals(32, key.length);
        assertArrayEquals(key, ClusterSecret.of("correct horse battery staple 42").ringSessionKey("job/doc/0/7", nonce));
        assertFalse(Arrays.equals(key, OTHER.ringSessionKey("job/doc/0/7", nonce)), "another secret");
        assertFalse(Arrays.equals(key, SECRET.ringSessionKey("job/doc/0/8", nonce)), "another session");
        assertFalse(Arrays.equals(key, SECRET.ringSessionKey("job/doc/0/7", other)), "another try's nonce");
        assertFalse(Arrays.equals(key, nonce), "the nonce is not the key");
        assertThrows(IllegalArgumentException.class, () -> SECRET.ringSessionKey("job/doc/0/7", new byte[8]));
    }

    @Test
    void secretFileErrorsAreOneLine() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ClusterSecret.of("short"));
        Path empty = Files.writeString(dir.resolve("empty"), "\n  \n");
        RingmemException e = assertThrows(RingmemException.class, () -> ClusterSecret.read(empty));
        assertTrue(e.getMessage().contains("holds no secret"), e.getMessage());
        Path tooShort = Files.writeString(dir.resolve("short"), "abc\n");
        e = assertThrows(RingmemException.class, () -> ClusterSecret.read(tooShort));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
        e = assertThrows(RingmemException.class, () -> ClusterSecret.read(dir.resolve("missing")));
        assertTrue(e.getMessage().startsWith("cannot read cluster secret file"), e.getMessage());
        assertFalse(SECRET.toString().contains("horse"));
    }

    @Test
    void plainCipherRefusesSealedAndKeepsPlainRoundTrip() {
        StoreCipher p = StoreCipher.plain();
        assertFalse(p.encrypted());
        assertArrayEquals(PLAIN, p.open("m", "k", p.seal("m", "k", PLAIN)));
        byte[] sealed = StoreCipher.of(SECRET).seal("m", "k", PLAIN);
        assertMessage("no key", () -> p.open("m", "k", sealed));
    }

    private static void assertMessage(String fragment, Executable call) {
        SealedValueException e = assertThrows(SealedValueException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}

package io.ringmem.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad names, bad inputs, and corrupt or truncated bytes give IllegalArgumentException with a clear message. */
class KvCodecCorruptionTest {
    private static byte[] sample(String codec) {
        Random rnd = new Random(9);
        int n = 100, kvHeads = 2, d = 32;
        return KvCodecs.byName(codec).encode(KvTestData.gaussian(rnd, n * kvHeads * d), KvTestData.gaussian(rnd, n * kvHeads * d),
                n, kvHeads, d);
    }

    @Test
    void unknownNameListsValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCodecs.byName("int3"));
        assertTrue(e.getMessage().contains("int3") && e.getMessage().contains("[none, int8, int4, int2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KvCodecs.byName(null));
        assertThrows(IllegalArgumentException.class, () -> KvCodecs.byName("int4", -1));
        assertEquals("int4", KvCodecs.byName(" INT4 ").name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "int8", "int4", "int2"})
    void truncationRejected(String codec) {
        byte[] b = sample(codec);
        for (int len : new int[]{0, 1, 4, 31, 32, 33, b.length / 2, b.length - 1}) {
            byte[] cut = Arrays.copyOf(b, len);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCodecs.decode(cut), "length " + len);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> KvCodecs.decode(Arrays.copyOf(b, b.length + 1)));
        assertThrows(IllegalArgumentException.class, () -> KvCodecs.decode(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "int8", "int4", "int2"})
    void everyHeaderBitFlipRejected(String codec) {
        byte[] b = sample(codec);
        for (int i = 0; i < KvHeader.SIZE; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = b.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i, flip = bit;
                assertThrows(IllegalArgumentException.class, () -> KvCodecs.decode(bad), "byte " + at + " bit " + flip);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "int8", "int4", "int2"})
    void payloadCorruptionRejected(String codec) {
        byte[] b = sample(codec);
        Random rnd = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            byte[] bad = b.clone();
            int i = KvHeader.SIZE + rnd.nextInt(b.length - KvHeader.SIZE);
            bad[i] ^= (byte) (1 << rnd.nextInt(8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCodecs.decode(bad));
            assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        }
        assertEquals(codec, KvCodecs.decode(b).codec());
    }

    @Test
    void garbageRejected() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            byte[] g = new byte[rnd.nextInt(200)];
            rnd.nextBytes(g);
            if (g.length >= 4 && rnd.nextBoolean()) System.arraycopy(new byte[]{'R', 'M', 'K', 'V', 1}, 0, g, 0, Math.min(5, g.length));
            assertThrows(IllegalArgumentException.class, () -> KvCodecs.decode(g));
        }
    }

    @Test
    void decodingWithTheWrongCodecRejected() {
        byte[] b = sample("int4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCodecs.byName("int8").decode(b));
        assertTrue(e.getMessage().contains("int4"), e.getMessage());
        assertEquals("int4", KvCodecs.byName("int4", 0).decode(b).codec()); // parameters come from the header
    }

    @Test
    void badInputsRejected() {
        for (String name : KvCodecs.NAMES) {
            KvCodec c = KvCodecs.byName(name);
            assertThrows(IllegalArgumentException.class, () -> c.encode(new float[10], new float[10], 2, 1, 8), name);
            assertThrows(IllegalArgumentException.class, () -> c.encode(new float[16], new float[16], 2, 0, 8), name);
            assertThrows(IllegalArgumentException.class, () -> c.encode(new float[16], new float[16], -1, 1, 8), name);
            assertThrows(IllegalArgumentException.class, () -> c.encode(new float[16], new float[16], 1 << 20, 1 << 10, 1 << 10), name);
        }
    }

    @Test
    void nonFiniteValuesRejectedByQuantizersKeptByNone() {
        int n = 64, d = 32;
        float[] k = new float[n * d], v = new float[n * d];
        k[5] = Float.NaN;
        v[7] = Float.POSITIVE_INFINITY;
        for (String name : new String[]{"int8", "int4", "int2"}) {
            assertThrows(IllegalArgumentException.class, () -> KvCodecs.byName(name, 0).encode(k, v, n, 1, d), name);
        }
        DecodedKv out = KvCodecs.decode(KvCodecs.byName("none").encode(k, v, n, 1, d));
        assertArrayEquals(k, out.k());
        assertArrayEquals(v, out.v());
    }
}

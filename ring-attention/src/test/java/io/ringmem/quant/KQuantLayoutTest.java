package io.ringmem.quant;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden layout checks: hand-built blocks whose fields (fp16 d and dmin, the 6-bit packed scales, nibbles, high
 * bits) were chosen and decoded by hand from ggml-common.h's struct layouts; the expected numbers below are worked
 * out on paper, not computed by Ringmem's code. No ggml is available to the build, so these are the guard that the
 * bit layout is ggml's.
 */
class KQuantLayoutTest {
    /**
     * Scale bytes encoding sc = {1, 2, 3, 4, 17, 33, 50, 63} and m = {0, 5, 10, 63, 16, 32, 48, 7}: bytes 0..3 carry
     * sc[0..3] and the top bits of sc[4..7]; bytes 4..7 m[0..3] and the top bits of m[4..7]; bytes 8..11 the low
     * nibbles of sc[4..7] (low) and m[4..7] (high).
     */
    private static final int[] SCALES = {0x41, 0x82, 0xC3, 0xC4, 0x40, 0x85, 0xCA, 0x3F, 0x01, 0x01, 0x02, 0x7F};

    private static MemorySegment seg(int size) {
        return MemorySegment.ofArray(new byte[size]);
    }

    private static void put(MemorySegment s, int at, int... bytes) {
        for (int i = 0; i < bytes.length; i++) s.set(ValueLayout.JAVA_BYTE, at + i, (byte) bytes[i]);
    }

    /** d = 1.0 (fp16 0x3C00), dmin = 0.5 (0x3800), the scales above, and nibble bytes (l % 16) | (15 − l % 16) << 4. */
    private static MemorySegment q45Block(int size, int qsAt) {
        MemorySegment s = seg(size);
        put(s, 0, 0x00, 0x3C, 0x00, 0x38);
        put(s, 4, SCALES);
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) put(s, qsAt + 32 * g + l, (l % 16) | (15 - l % 16) << 4);
        }
        return s;
    }

    @Test
    void q4kGolden() {
        float[] v = new float[256];
        new Q4KFormat().dequantize(q45Block(144, 16), 0, v, 0, 1);
        // value = sc[j]·q − 0.5·m[j]; j = sub-block (32 values); low nibbles for even j, high for odd
        assertEquals(0f, v[0]);          // j0: 1·0 − 0
        assertEquals(5f, v[5]);          // j0: 1·5
        assertEquals(25.5f, v[33]);      // j1: 2·14 − 2.5
        assertEquals(7f, v[84]);         // j2: 3·4 − 5
        assertEquals(28.5f, v[96]);      // j3: 4·15 − 31.5
        assertEquals(77f, v[133]);       // j4: 17·5 − 8
        assertEquals(-16f, v[191]);      // j5: 33·0 − 16
        assertEquals(476f, v[202]);      // j6: 50·10 − 24
        assertEquals(941.5f, v[224]);    // j7: 63·15 − 3.5
        assertEquals(-3.5f, v[255]);     // j7: 63·0 − 3.5
    }

    @Test
    void q5kGolden() {
        MemorySegment s = q45Block(176, 48);
        put(s, 16, 0b1000);              // qh[0] bit 3: fifth bit of value 96 (sub-block 3, l = 0)
        put(s, 17, 0b10);                // qh[1] bit 1: value 33 (sub-block 1, l = 1)
        put(s, 16 + 20, 0b100);          // qh[20] bit 2: value 84 (sub-block 2, l = 20)
        put(s, 16 + 31, 0b1000_0000);    // qh[31] bit 7: value 255 (sub-block 7, l = 31)
        float[] v = new float[256];
        new Q5KFormat().dequantize(s, 0, v, 0, 1);
        assertEquals(0f, v[0]);
        assertEquals(1f, v[1]);          // qh[1] bit 0 clear
        assertEquals(57.5f, v[33]);      // 2·(14 + 16) − 2.5
        assertEquals(-2f, v[65]);        // qh[1] bit 2 clear: 3·1 − 5
        assertEquals(55f, v[84]);        // 3·(4 + 16) − 5
        assertEquals(92.5f, v[96]);      // 4·(15 + 16) − 31.5
        assertEquals(1004.5f, v[255]);   // 63·(0 + 16) − 3.5
    }

    @Test
    void q6kGolden() {
        MemorySegment s = seg(210);
        for (int k = 0; k < 16; k++) put(s, 192 + k, k - 7);    // scales −7 .. 8
        put(s, 208, 0x00, 0x38);                                  // d = 0.5
        put(s, 3, 0xA5);              // values 3 (low nibble 5) and 67 (high nibble 10)
        put(s, 32 + 3, 0x0F);         // values 35 (low 15) and 99 (high 0)
        put(s, 128 + 3, 0xE4);        // high bit pairs 00 (value 3), 01 (35), 10 (67), 11 (99)
        put(s, 64 + 7, 0x3C);         // second half: values 135 (low 12) and 199 (high 3)
        put(s, 128 + 32 + 7, 0x43);   // pairs 11 (135), 00 (167), 00 (199), 01 (231)
        float[] v = new float[256];
        new Q6KFormat().dequantize(s, 0, v, 0, 1);
        // value = 0.5·scales[i / 16]·(q − 32)
        assertEquals(112f, v[0]);      // −3.5·(0 − 32)
        assertEquals(94.5f, v[3]);     // −3.5·(5 − 32)
        assertEquals(2.5f, v[35]);     // −2.5·(31 − 32)
        assertEquals(-15f, v[67]);     // −1.5·(42 − 32)
        assertEquals(-8f, v[99]);      // −0.5·(48 − 32)
        assertEquals(14f, v[135]);     // 0.5·(60 − 32)
        assertEquals(-48f, v[167]);    // 1.5·(0 − 32)
        assertEquals(-72.5f, v[199]);  // 2.5·(3 − 32)
        assertEquals(-56f, v[231]);    // 3.5·(16 − 32)
    }

    @Test
    void q8kGoldenDecode() {
        MemorySegment s = seg(292);
        put(s, 0, 0x00, 0x00, 0x80, 0x3E);                       // f32 0.25
        for (int i = 0; i < 256; i++) put(s, 4 + i, i - 128);
        float[] v = new float[256];
        new Q8KFormat().dequantize(s, 0, v, 0, 1);
        assertEquals(-32f, v[0]);
        assertEquals(0f, v[128]);
        assertEquals(31.75f, v[255]);
    }

    @Test
    void q8kGoldenQuantize() {
        // x = 0.5·k for k = i − 128: max magnitude 64 at i = 0, so iscale = −127 / −64 and q = round(k·(1 − 1/128))
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) x[i] = 0.5f * (i - 128);
        MemorySegment s = seg(292);
        new Q8KFormat().quantize(x, 0, s, 0, 1);
        assertEquals(1f / (127f / 64f), s.get(KQuants.FLOAT_LE, 0));
        assertEquals(-127, s.get(ValueLayout.JAVA_BYTE, 4));            // k = −128
        assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 4 + 128));         // k = 0
        assertEquals(126, s.get(ValueLayout.JAVA_BYTE, 4 + 255));       // k = 127: 126.0078
        assertEquals(-1912, s.get(KQuants.SHORT_LE, 260));              // bsums[0]: Σ_{k=−128}^{−113} (k + 1)
        assertEquals(-64, s.get(ValueLayout.JAVA_BYTE, 4 + 64));        // k = −64: −63.5 rounds to even
    }

    @Test
    void q4kGoldenQuantize() {
        // every sub-block the ramp (l % 16)·0.125: min 0, levels exact; scales all 0.125 → 6-bit 63, d = 0.125 / 63
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) x[i] = (i % 16) * 0.125f;
        MemorySegment s = seg(144);
        new Q4KFormat().quantize(x, 0, s, 0, 1);
        int[] expected = new int[144];
        expected[0] = 0x10;   // d: fp16 0x1810 = 2^-9 · (1 + 16/1024), 0.125 / 63 rounded to nearest
        expected[1] = 0x18;   // dmin = 0
        for (int j = 0; j < 4; j++) {
            expected[4 + j] = 0xFF;        // sc[j] = 63 plus the top bits (3) of sc[j + 4] = 63
            expected[12 + j] = 0x0F;       // low nibbles of sc[j + 4] = 63, m[j + 4] = 0
        }
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) expected[16 + 32 * g + l] = (l % 16) * 0x11;
        }
        int[] got = new int[144];
        for (int i = 0; i < 144; i++) got[i] = s.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        assertArrayEquals(expected, got);
    }
}

package io.ringmem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** int4 packing in the codec order: even code in the low nibble, odd counts zero-padded. */
class NibblesTest {

    @Test
    void evenCodeInTheLowNibble() {
        assertArrayEquals(new byte[]{(byte) 0x21, (byte) 0xf3, 0x07}, Nibbles.pack(new byte[]{1, 2, 3, 15, 7}));
    }

    @Test
    void roundTripsEveryLength() {
        SplittableRandom r = new SplittableRandom(9);
        for (int n = 0; n < 70; n++) {
            byte[] codes = new byte[n];
            for (int i = 0; i < n; i++) codes[i] = (byte) r.nextInt(16);
            byte[] packed = Nibbles.pack(codes);
            assertEquals((n + 1) / 2, packed.length);
            assertArrayEquals(codes, Nibbles.unpack(packed, n));
        }
    }

    @Test
    void rejectsWideCodesAndShortInput() {
        assertThrows(IllegalArgumentException.class, () -> Nibbles.pack(new byte[]{16}));
        assertThrows(IllegalArgumentException.class, () -> Nibbles.pack(new byte[]{-1}));
        assertThrows(IllegalArgumentException.class, () -> Nibbles.unpack(new byte[1], 3));
    }
}

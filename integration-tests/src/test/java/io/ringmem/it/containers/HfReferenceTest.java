package io.ringmem.it.containers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The reference data the container tests compare against, read from the shared test data folder (no Docker). */
class HfReferenceTest {

    @Test
    void theMeanOfAllPositionsIsTheReferenceMean() {
        HfReference ref = HfReference.tinyStories512();
        assertEquals(512, ref.ids().length);
        assertEquals(511, ref.nll().length);
        assertEquals(ref.meanNll(), ref.prefixMeanNll(ref.ids().length), 1e-12);
    }

    @Test
    void repeatedIdsAreTheIdsBackToBack() {
        HfReference ref = HfReference.tinyStories512();
        int[] twice = ref.repeated(2);
        assertArrayEquals(ref.ids(), Arrays.copyOfRange(twice, 0, 512));
        assertArrayEquals(ref.ids(), Arrays.copyOfRange(twice, 512, 1024));
        assertArrayEquals(Arrays.copyOf(ref.ids(), 200), ref.prefix(200));
    }
}

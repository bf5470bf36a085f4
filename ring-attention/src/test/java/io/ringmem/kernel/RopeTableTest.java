package io.ringmem.kernel;

import io.ringmem.model.ModelConfig;
import io.ringmem.model.RopeLayout;
import io.ringmem.model.RopeScaling;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RoPE frequencies against values computed with Hugging Face's formulas (float64 NumPy). */
class RopeTableTest {

    private static ModelConfig config(double theta, RopeScaling scaling) {
        return new ModelConfig(4096, 14336, 1, 32, 8, 128, 128256, 131072, 1e-5f, theta, RopeLayout.ROTATE_HALF, scaling);
    }

    @Test
    void llama3ScalingMatchesTransformers() {
        // _compute_llama3_parameters with factor 8, low 1, high 4, original 8192, theta 500000, head dim 128:
        // pairs 0..28 keep their frequency, 29..34 are interpolated, 35..63 are divided by 8.
        RopeTable t = new RopeTable(config(500000, new RopeScaling(8, 1, 4, 8192)));
        double[][] expected = {{0, 1.0}, {30, 0.0013718935677611381}, {32, 0.0005248461609929547},
                {34, 0.00017850781276799638}, {36, 7.78465527393245e-05}, {63, 3.068925988914511e-07}};
        for (double[] e : expected) assertEquals(e[1], t.invFreq((int) e[0]), e[1] * 1e-12, "pair " + (int) e[0]);
    }

    @Test
    void plainFrequenciesAndAngles() {
        RopeTable t = new RopeTable(config(10000, null));
        assertEquals(Math.pow(10000, -2.0 * 5 / 128), t.invFreq(5), 1e-15);
        RotaryAngles a = t.angles(new int[]{0, 1_000_000}, 2);
        assertEquals(1f, a.cos()[0]);
        assertEquals(0f, a.sin()[0]);
        // position one million, pair 0: angle 1e6 rad, computed in double before rounding
        assertEquals((float) Math.cos(1e6), a.cos()[64], 0f);
        assertEquals((float) Math.sin(1e6), a.sin()[64], 0f);
    }
}

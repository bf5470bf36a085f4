package io.ringmem.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Nice" axis ticks: a step of 1, 2 or 5 times a power of ten giving about the wanted number of ticks over a range.
 *
 * @param step   the distance between ticks
 * @param values the tick values inside the range, ascending
 */
record Ticks(double step, List<Double> values) {
    Ticks {
        values = List.copyOf(values);
    }

    /**
     * @param min      range start
     * @param max      range end, above {@code min}
     * @param wanted   about how many ticks
     * @param minStep  the smallest allowed step (1 for token positions, 0 for none)
     */
    static Ticks over(double min, double max, int wanted, double minStep) {
        if (!(max > min)) throw new IllegalArgumentException("empty range " + min + ".." + max);
        double raw = (max - min) / Math.max(1, wanted);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
        step = Math.max(step, minStep);
        List<Double> v = new ArrayList<>();
        for (long k = (long) Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) v.add(k * step);
        return new Ticks(step, v);
    }

    /** A label with as many decimals as the step needs (none for steps of 1 or more). */
    String label(double value) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", value + 0.0);
    }
}

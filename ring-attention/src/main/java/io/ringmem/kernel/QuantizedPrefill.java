package io.ringmem.kernel;

import io.ringmem.quant.BlockFormat;
import io.ringmem.quant.Int8Weights;

import java.util.Locale;

/**
 * Which kernel multiplies a prefill batch (8 tokens or more) by block-quantized weights: {@link #UNPACK} (weight
 * panels unpacked to fp32 on the fly, {@link MatmulPacked}), {@link #INT8} (activations quantized per block to
 * int8, integer dot products, {@link MatmulInt8}), or {@link #AUTO}: the one measured faster for the weights'
 * format (see {@link #usesInt8}; figures in docs/benchmarks.md, "int8 activations vs unpacked panels").
 *
 * <p>The two differ in accuracy: UNPACK matches dequantize-then-fp32 within fp32 summation order; INT8 adds the
 * activation quantization error ({@code ≤ Σ_blocks (d/2)·Σ|w_i|}, d = block max|x| / 127). Formats the integer
 * path does not handle always take UNPACK.
 */
public enum QuantizedPrefill {
    AUTO, UNPACK, INT8;

    /** Parses "auto", "unpack" or "int8" (case-insensitive). */
    public static QuantizedPrefill parse(String s) {
        if (s != null) {
            for (QuantizedPrefill q : values()) {
                if (q.name().equalsIgnoreCase(s.strip())) return q;
            }
        }
        throw new IllegalArgumentException("quantized prefill must be auto, unpack or int8, got '" + s + "'");
    }

    /** Whether a prefill matmul on weights of format f takes the int8 path under this choice. */
    public boolean usesInt8(BlockFormat f) {
        if (!Int8Weights.supports(f)) return false;
        return switch (this) {
            case UNPACK -> false;
            case INT8 -> true;
            case AUTO -> int8Default(f);
        };
    }

    /**
     * The measured default (docs/benchmarks.md, "int8 activations vs unpacked panels"): int8 would be the default for
     * a format only where its paired median speedup over unpack was above 1 on every measured shape, since it also
     * adds the activation rounding error. On the 2026-12-02 measurement no format met that (Q8_0 0.40–0.70×, Q4_0
     * 0.79–0.96×, Q5_K 0.82–0.99×, Q4_K 0.62–1.22×, Q6_K 0.84–1.43×), so every format unpacks.
     */
    private static boolean int8Default(BlockFormat f) {
        return false;
    }

    /** The lower-case name, as the CLI option spells it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

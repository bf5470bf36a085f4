package io.ringmem.bench;

/**
 * One row of {@link KernelBenchmark}: median milliseconds per call of the scalar reference (the baseline) and of
 * the vector kernels on one shape. The GFLOP/s and peak figures are null for kernels whose flops are not counted.
 *
 * @param speedup       scalar ms / vector ms
 * @param peakFraction  vector GFLOP/s over the machine's fp32 peak (all cores); null where the clock is unknown
 */
public record KernelRow(String kernel, String shape, double scalarMs, double vectorMs, double speedup,
                        Double scalarGflops, Double vectorGflops, Double peakFraction) {

    static KernelRow of(String kernel, String shape, double scalarMs, double vectorMs, double flops, double peakGflops) {
        if (flops <= 0) return new KernelRow(kernel, shape, scalarMs, vectorMs, scalarMs / vectorMs, null, null, null);
        double sg = flops / scalarMs / 1e6, vg = flops / vectorMs / 1e6;
        Double peak = Double.isFinite(peakGflops) && peakGflops > 0 ? vg / peakGflops : null; // null: clock unknown
        return new KernelRow(kernel, shape, scalarMs, vectorMs, scalarMs / vectorMs, sg, vg, peak);
    }
}

package io.ringmem.bench;

import jdk.incubator.vector.FloatVector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine a benchmark ran on, as stated next to its figures: CPU model and clock (the first "model name" and
 * "cpu MHz" of /proc/cpuinfo; the architecture name and NaN where there is none, i.e. not Linux), the cores this JVM
 * may use, and the fp32 lanes of the preferred Vector API species.
 *
 * @param cpu    CPU model name
 * @param cores  available processors
 * @param lanes  fp32 lanes of {@link FloatVector#SPECIES_PREFERRED}
 * @param cpuGhz nominal clock in GHz, NaN if unknown
 */
public record Machine(String cpu, int cores, int lanes, double cpuGhz) {
    /** FMA units per core assumed by {@link #peakGflops(int)}. */
    public static final int FMA_UNITS = 2;

    public static Machine detect() {
        String cpu = cpuinfo("model name").orElse(ManagementFactory.getOperatingSystemMXBean().getArch());
        double ghz = cpuinfo("cpu MHz").map(v -> Double.parseDouble(v) / 1000).orElse(Double.NaN);
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), FloatVector.SPECIES_PREFERRED.length(), ghz);
    }

    /** Theoretical fp32 peak of {@code threads} cores (at most all): cores × 2 FMA units × lanes × 2 flops × GHz. */
    public double peakGflops(int threads) {
        return Math.min(cores, threads) * FMA_UNITS * lanes * 2 * cpuGhz;
    }

    private static Optional<String> cpuinfo(String key) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

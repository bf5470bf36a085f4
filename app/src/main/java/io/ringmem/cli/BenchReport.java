package io.ringmem.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.bench.Machine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What {@code ringmem bench <name> --json} prints: one JSON object with the benchmark's name, the machine, the
 * settings it ran with, what the ratios are against (a baseline measured in the same run), and one object per
 * result row, in the order measured.
 */
record BenchReport(String bench, Machine machine, Map<String, Object> settings, String baseline, List<?> results) {

    void print(PrintWriter out) {
        try {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(this));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

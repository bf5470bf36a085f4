package io.ringmem.cli;

import io.ringmem.bench.QualityBenchmark;
import io.ringmem.bench.QualityBenchmark.Recovery;
import io.ringmem.bench.QualityBenchmark.Row;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Collects {@link QualityBenchmark}'s results and, given a writer, prints them as they come as the markdown table of
 * docs/quality.md (the first row, exact attention, is the baseline).
 */
final class QualityTable implements QualityBenchmark.Listener {
    private final String model;
    private final int tokens;
    private final PrintWriter out;
    private final List<Row> rows = new ArrayList<>();
    private final List<Recovery> recoveries = new ArrayList<>();

    /** {@code out} null: collect only. */
    QualityTable(String model, int tokens, PrintWriter out) {
        this.model = model;
        this.tokens = tokens;
        this.out = out;
        if (out != null) {
            out.println("| model | tokens | setting | codec | mean NLL | Δ vs exact | compression |");
            out.println("|---|---:|---|---|---:|---:|---:|");
            out.flush();
        }
    }

    @Override
    public void row(Row r) {
        boolean baseline = rows.isEmpty();
        rows.add(r);
        if (out == null) return;
        out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.4f | %s | %s |%n", model, tokens, r.setting(),
                r.codec() == null ? "–" : r.codec(), r.meanNll(), baseline ? "0" : String.format(Locale.ROOT, "%+.4f", r.deltaVsExact()),
                r.compressionRatio() == null ? "–" : String.format(Locale.ROOT, "%.2f×", r.compressionRatio()));
        out.flush();
    }

    @Override
    public void recovery(Recovery r) {
        recoveries.add(r);
        if (out == null) return;
        out.printf(Locale.ROOT, "|  |  | (top-%d int8 recovers %.0f%% of the no-context gap; sinks + window alone %.0f%%) |  |  |  |  |%n",
                r.topK(), 100 * r.topKInt8Share(), 100 * r.sinksWindowShare());
        out.flush();
    }

    List<Row> rows() {
        return rows;
    }

    List<Recovery> recoveries() {
        return recoveries;
    }
}

package io.ringmem.bench.peers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders {@link PeerTable} rows as the markdown table of {@code docs/benchmarks.md} and as a JSON-ready map.
 * Seconds are "median [min–max]"; ratios are peer ÷ Ringmem seconds of paired rounds ("1.20× [1.1–1.3]": Ringmem
 * is 1.2× as fast); GFLOP/s are the workload's flops ({@link RandomLlamaSpec#prefillFlops}, {@code decodeFlops})
 * over the median seconds, with the share of {@code peakGflops} when it is known (> 0).
 */
public final class PeerReport {
    private final List<PeerTable.Row> rows;
    private final RandomLlamaSpec main;
    private final RandomLlamaSpec longModel;
    private final double peakGflops;

    /** {@code longModel} sizes the flops of rows of suite "long", {@code main} all others. */
    public PeerReport(List<PeerTable.Row> rows, RandomLlamaSpec main, RandomLlamaSpec longModel, double peakGflops) {
        this.rows = List.copyOf(rows);
        this.main = main;
        this.longModel = longModel;
        this.peakGflops = peakGflops;
    }

    /** Flops of one row's timed work. */
    public double flops(PeerTable.Row r) {
        RandomLlamaSpec s = r.suite().equals("long") ? longModel : main;
        return r.decode() > 0 ? s.decodeFlops(r.tokens(), r.decode()) : s.prefillFlops(r.tokens());
    }

    public String markdown() {
        Set<String> peers = new LinkedHashSet<>();
        peers.add(PeerTable.RINGMEM);
        rows.forEach(r -> r.cells().forEach(c -> peers.add(c.peer())));
        List<String> others = peers.stream().filter(p -> !p.equals(PeerTable.RINGMEM)).toList();
        StringBuilder sb = new StringBuilder("| workload |");
        for (String p : peers) sb.append(' ').append(p).append(" s |");
        for (String p : others) sb.append(" Ringmem / ").append(p).append(" |");
        sb.append(" peak RSS GB (").append(String.join(" / ", peers)).append(") | GFLOP/s (").append(String.join(" / ", peers))
                .append(")").append(peakGflops > 0 ? ", % of peak" : "").append(" |\n|---|");
        sb.append("---:|".repeat(peers.size() + others.size() + 2)).append('\n');
        for (PeerTable.Row r : rows) {
            sb.append("| ").append(label(r)).append(" |");
            for (String p : peers) {
                PeerTable.PeerCell c = r.cell(p);
                sb.append(' ').append(c == null ? "–" : fmt("%.3g [%.3g–%.3g]", c.seconds().median(), c.seconds().min(), c.seconds().max()))
                        .append(" |");
            }
            for (String p : others) {
                PeerTable.Stat s = r.ratios().get(p);
                sb.append(' ').append(s == null ? "–" : fmt("%.2f× [%.2f–%.2f]", s.median(), s.min(), s.max())).append(" |");
            }
            List<String> rss = new ArrayList<>(), gf = new ArrayList<>();
            for (String p : peers) {
                PeerTable.PeerCell c = r.cell(p);
                rss.add(c == null || c.peakRssBytes() < 0 ? "–" : fmt("%.2f", c.peakRssBytes() / 1e9));
                if (c == null) {
                    gf.add("–");
                } else {
                    double g = flops(r) / c.seconds().median() / 1e9;
                    gf.add(peakGflops > 0 ? fmt("%.1f (%.0f%%)", g, 100 * g / peakGflops) : fmt("%.1f", g));
                }
            }
            sb.append(' ').append(String.join(" / ", rss)).append(" | ").append(String.join(" / ", gf)).append(" |\n");
        }
        return sb.toString();
    }

    static String label(PeerTable.Row r) {
        String what = r.decode() > 0 ? "decode " + r.decode() + " after " + r.tokens() : "prefill " + r.tokens();
        return (r.suite().equals("long") ? "causal prefill (long model) " + r.tokens() : what) + ", " + r.format().toUpperCase(Locale.ROOT);
    }

    /** The rows with their flops and GFLOP/s, for {@code --json}. */
    public List<Map<String, Object>> json() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PeerTable.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", label(r));
            m.put("suite", r.suite());
            m.put("format", r.format());
            m.put("kind", r.workload());
            m.put("tokens", r.tokens());
            m.put("decode", r.decode());
            m.put("flops", flops(r));
            Map<String, Object> cells = new LinkedHashMap<>();
            for (PeerTable.PeerCell c : r.cells()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("seconds", c.seconds());
                x.put("peakRssBytes", c.peakRssBytes());
                x.put("gflops", flops(r) / c.seconds().median() / 1e9);
                cells.put(c.peer(), x);
            }
            m.put("peers", cells);
            m.put("ratios", r.ratios());
            out.add(m);
        }
        return out;
    }

    private static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}

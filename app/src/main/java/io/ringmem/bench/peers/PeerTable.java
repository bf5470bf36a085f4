package io.ringmem.bench.peers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The peer comparison's statistics: runs grouped by workload ({@link PeerRun#key()}), per peer the median, min and
 * max seconds and the largest peak RSS, and per other peer the paired ratio: in each round where both ran,
 * peer seconds ÷ Ringmem seconds (above 1: Ringmem is faster), summarized as median, min and max. Rows keep the
 * order in which their workloads first appear; peers keep the order in which they first appear, Ringmem first.
 */
public final class PeerTable {
    /** Median and range of some samples. */
    public record Stat(double median, double min, double max, int n) {
        static Stat of(double[] xs) {
            if (xs.length == 0) return null;
            double[] s = xs.clone();
            Arrays.sort(s);
            int n = s.length;
            double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Stat(med, s[0], s[n - 1], n);
        }
    }

    /** One peer on one workload: seconds, peak RSS (largest over the runs), and flops per second at the median. */
    public record PeerCell(String peer, Stat seconds, long peakRssBytes) {
    }

    /** One workload: every peer's cell, and each other peer's paired ratio (peer s / Ringmem s) by peer name. */
    public record Row(String suite, String format, String workload, int tokens, int decode, List<PeerCell> cells,
                      Map<String, Stat> ratios) {
        public PeerCell cell(String peer) {
            for (PeerCell c : cells) if (c.peer().equals(peer)) return c;
            return null;
        }
    }

    public static final String RINGMEM = "ringmem";

    private PeerTable() {
    }

    public static List<Row> of(List<PeerRun> runs) {
        Map<String, List<PeerRun>> groups = new LinkedHashMap<>();
        for (PeerRun r : runs) groups.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        List<Row> rows = new ArrayList<>();
        for (List<PeerRun> g : groups.values()) {
            Set<String> peers = new LinkedHashSet<>();
            if (g.stream().anyMatch(r -> r.peer().equals(RINGMEM))) peers.add(RINGMEM);
            g.forEach(r -> peers.add(r.peer()));
            List<PeerCell> cells = new ArrayList<>();
            Map<String, Stat> ratios = new LinkedHashMap<>();
            for (String p : peers) {
                List<PeerRun> mine = g.stream().filter(r -> r.peer().equals(p)).toList();
                cells.add(new PeerCell(p, Stat.of(values(mine, PeerRun::seconds)),
                        mine.stream().mapToLong(PeerRun::rssBytes).max().orElse(-1)));
                if (!p.equals(RINGMEM) && peers.contains(RINGMEM)) {
                    Stat ratio = Stat.of(paired(g, p));
                    if (ratio != null) ratios.put(p, ratio);
                }
            }
            PeerRun first = g.getFirst();
            rows.add(new Row(first.suite(), first.format(), first.workload(), first.tokens(), first.decode(), cells, ratios));
        }
        return rows;
    }

    /** For each round where both ran once or more: the peer's first run's seconds ÷ Ringmem's first run's seconds. */
    static double[] paired(List<PeerRun> group, String peer) {
        Map<Integer, Double> mine = new LinkedHashMap<>(), theirs = new LinkedHashMap<>();
        for (PeerRun r : group) {
            if (r.peer().equals(RINGMEM)) mine.putIfAbsent(r.round(), r.seconds());
            else if (r.peer().equals(peer)) theirs.putIfAbsent(r.round(), r.seconds());
        }
        return theirs.entrySet().stream().filter(e -> mine.containsKey(e.getKey()))
                .mapToDouble(e -> e.getValue() / mine.get(e.getKey())).toArray();
    }

    private static double[] values(List<PeerRun> runs, ToDoubleFunction<PeerRun> f) {
        return runs.stream().mapToDouble(f).toArray();
    }
}

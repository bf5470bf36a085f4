package io.ringmem.cli;

import io.ringmem.model.LayerWeights;
import io.ringmem.model.ModelWeights;
import io.ringmem.tensor.Matrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A one-line account of which weight matrices a loaded model keeps block-quantized, for the load log. */
final class WeightSummary {
    private WeightSummary() {
    }

    /** "Q8_0: 86 matrices, 212.4 MB", or "" when every matrix is fp32. */
    static String quantized(ModelWeights w) {
        List<Matrix> all = new ArrayList<>(List.of(w.embedding()));
        if (w.output() != w.embedding()) all.add(w.output());
        for (LayerWeights l : w.layers()) all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2(), l.w3()));
        Map<String, long[]> byFormat = new TreeMap<>();
        for (Matrix m : all) {
            if (!m.quantized()) continue;
            long[] a = byFormat.computeIfAbsent(m.format().name(), k -> new long[2]);
            a[0]++;
            a[1] += m.data().byteSize();
        }
        StringBuilder sb = new StringBuilder();
        byFormat.forEach((name, a) -> sb.append(sb.isEmpty() ? "" : "; ")
                .append(String.format(Locale.ROOT, "%s: %d matrices, %.1f MB", name, a[0], a[1] / 1e6)));
        return sb.toString();
    }
}

package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.report.NllPlot;
import io.ringmem.report.NllSeries;
import io.ringmem.report.PlotFiles;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The analyze report (one entry per document) and its plots, from a job result. */
final class Report {
    private Report() {
    }

    static ObjectNode of(ObjectMapper json, JsonNode result, String model, boolean tokenNll) {
        ObjectNode r = json.createObjectNode();
        r.put("model", model).put("workers", result.get("workers").asInt()).put("seconds", result.get("seconds").asDouble());
        ArrayNode docs = r.putArray("documents");
        for (JsonNode d : result.get("documents")) {
            ObjectNode copy = d.deepCopy();
            if (!tokenNll) copy.remove("nll");
            docs.add(copy);
        }
        return r;
    }

    /** One PNG of NLL along each document ({@link PlotFiles} names them when there are several). */
    static void plots(JsonNode result, Path plot, PrintWriter err) {
        List<String> ids = new ArrayList<>();
        for (JsonNode d : result.get("documents")) ids.add(d.get("id").asText());
        List<Path> paths = PlotFiles.perDocument(plot, ids);
        int i = 0;
        for (JsonNode d : result.get("documents")) {
            JsonNode nll = d.get("nll");
            double[] values = new double[nll.size()];
            for (int t = 0; t < values.length; t++) values[t] = nll.get(t).asDouble();
            JsonNode segs = d.get("segments");
            int[] starts = new int[segs.size()];
            for (int s = 0; s < starts.length; s++) starts[s] = Math.min(segs.get(s).get("start").asInt(), Math.max(0, values.length - 1));
            new NllPlot().write(new NllSeries(d.get("id").asText(), values, starts), paths.get(i));
            err.println("ringmem: plot written to " + paths.get(i++));
        }
    }
}

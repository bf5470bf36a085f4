package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;

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

    static void plots(JsonNode result, Path plot, PrintWriter err) {
        err.println("ringmem: plots are not available in this build");
    }
}

package io.ringmem.it.containers;

import io.ringmem.it.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds job requests and reads job results in the JSON shapes of docs/cluster.md ("REST API (coordinator)").
 */
final class JobRequests {
    private JobRequests() {
    }

    /** A document given as token ids (used as given, no BOS added). */
    static ObjectNode tokens(String id, int[] ids) {
        ObjectNode d = RestClient.JSON.createObjectNode().put("id", id);
        ArrayNode a = d.putArray("tokens");
        for (int t : ids) a.add(t);
        return d;
    }

    /** A document given as text. */
    static ObjectNode text(String id, String text) {
        return RestClient.JSON.createObjectNode().put("id", id).put("text", text);
    }

    /** A {@code score} job over the documents on a ring of {@code workers}, in segments of {@code segmentTokens}. */
    static ObjectNode score(int workers, int segmentTokens, ObjectNode... documents) {
        ObjectNode r = RestClient.JSON.createObjectNode().put("task", "score").put("workers", workers).put("segmentTokens", segmentTokens);
        ArrayNode docs = r.putArray("documents");
        for (ObjectNode d : documents) docs.add(d);
        return r;
    }

    /** The document with this id in a score result; fails if it is absent. */
    static JsonNode document(JsonNode result, String id) {
        for (JsonNode d : result.path("documents")) {
            if (id.equals(d.path("id").asText())) return d;
        }
        throw new AssertionError("the result has no document " + id + ": " + result);
    }
}

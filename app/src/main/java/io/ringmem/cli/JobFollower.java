package io.ringmem.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

/** Polls a job's status until it finishes, printing progress lines when they change. */
final class JobFollower {
    private JobFollower() {
    }

    /** @param err where progress goes, or null for none */
    static JsonNode follow(RestClient client, String id, PrintWriter err) throws InterruptedException {
        String shown = "";
        while (true) {
            JsonNode s = client.get("/v1/jobs/" + id);
            String state = s.get("state").asText();
            JsonNode p = s.get("progress");
            String line = String.format("ringmem: %s %s: %d/%d segments, %d/%d documents", id, state,
                    p.get("segmentsDone").asInt(), p.get("segmentsTotal").asInt(), p.get("documentsDone").asInt(), p.get("documentsTotal").asInt());
            if (err != null && !line.equals(shown)) {
                err.println(line);
                err.flush();
                shown = line;
            }
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) return s;
            Thread.sleep(250);
        }
    }
}

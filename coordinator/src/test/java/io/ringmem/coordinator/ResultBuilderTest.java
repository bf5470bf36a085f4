package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringmem.api.JobState;
import io.ringmem.segment.SegmentConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The result JSON of score and embed jobs from hand-made segment outcomes. */
class ResultBuilderTest {
    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode build(JobRecord job, List<List<SegmentOutcome>> outcomes, double seconds) {
        return json.valueToTree(ResultBuilder.documentsResult(job, outcomes, seconds));
    }

    private static JobRecord job(Task task, boolean tokenNll, List<String> docs, int[] segments) {
        SegmentConfig s = new SegmentConfig(4, 0, 1, 2, "int8", 4, 0, true);
        List<JobSpec.DocumentSpec> specs = docs.stream().map(d -> new JobSpec.DocumentSpec(d, new int[0])).toList();
        JobSpec spec = new JobSpec(task, specs, 3, s, new int[0], 32, 0, 1, 0, tokenNll);
        return new JobRecord("job-r", 1, JobState.RUNNING, 0, 0, spec, docs, segments, segments.clone(), 0, null);
    }

    /** A document of 10 tokens in segments of 4: [0,4) [4,8) [8,10), last token NaN. */
    private static List<SegmentOutcome> tenTokens() {
        return List.of(
                new SegmentOutcome(0, 4, new double[]{1, 2, 3, 4}, new float[]{4, 8}, 3, 1.0, 0.25, 4000, 1000),
                new SegmentOutcome(4, 8, new double[]{5, 6, 7, 8}, new float[]{8, 4}, 3, 2.0, 0.5, 4000, 1000),
                new SegmentOutcome(8, 10, new double[]{9, Double.NaN}, new float[]{2, 2}, 2, 1.0, 0.25, 2000, 1000));
    }

    @Test
    void scoreResultMeansOverTheNMinusOnePredictions() {
        ObjectNode r = build(job(Task.SCORE, false, List.of("doc"), new int[]{3}), List.of(tenTokens()), 7.5);
        assertEquals("job-r", r.get("id").asText());
        assertEquals("score", r.get("task").asText());
        assertEquals(3, r.get("workers").asInt());
        assertEquals(7.5, r.get("seconds").asDouble());
        JsonNode d = r.get("documents").get(0);
        assertEquals("doc", d.get("id").asText());
        assertEquals(10, d.get("tokens").asInt());
        assertEquals(5.0, d.get("meanNll").asDouble(), 1e-12, "(1 + ... + 9) / 9");
        assertEquals(Math.exp(5.0), d.get("perplexity").asDouble(), 1e-9);
        assertEquals(4.0, d.get("seconds").asDouble(), 1e-12);
        assertEquals(10 / 4.0, d.get("tokensPerSecond").asDouble(), 1e-12);
        assertEquals(1.0, d.get("ringWaitSeconds").asDouble(), 1e-12);
        assertEquals(3000, d.get("storeBytes").asLong());
        assertEquals(10000.0 / 3000, d.get("compressionRatio").asDouble(), 1e-12);
        assertFalse(d.has("embedding"), "a score job has no embeddings");
        assertFalse(d.has("nll"), "per-token NLL only when asked for");

        JsonNode segs = d.get("segments");
        assertEquals(3, segs.size());
        double[] means = {2.5, 6.5, 9.0};
        int[][] ranges = {{0, 4}, {4, 8}, {8, 10}};
        for (int s = 0; s < 3; s++) {
            assertEquals(s, segs.get(s).get("index").asInt());
            assertEquals(ranges[s][0], segs.get(s).get("start").asInt());
            assertEquals(ranges[s][1], segs.get(s).get("end").asInt());
            assertEquals(means[s], segs.get(s).get("meanNll").asDouble(), 1e-12);
            assertFalse(segs.get(s).has("embedding"));
        }
        assertEquals(2, segs.get(2).get("ranks").asInt());
    }

    @Test
    void tokenNllListsEveryPredictionInPositionOrder() {
        ObjectNode r = build(job(Task.SCORE, true, List.of("doc"), new int[]{3}), List.of(tenTokens()), 1);
        JsonNode nll = r.get("documents").get(0).get("nll");
        assertEquals(9, nll.size(), "n - 1 values, the last token's NaN left out");
        for (int i = 0; i < 9; i++) assertEquals(i + 1.0, nll.get(i).asDouble());
    }

    @Test
    void embeddingsAreAveragedPerSegmentAndPerDocument() {
        ObjectNode r = build(job(Task.EMBED, false, List.of("doc"), new int[]{3}), List.of(tenTokens()), 1);
        assertEquals("embed", r.get("task").asText());
        JsonNode d = r.get("documents").get(0);
        float[][] perSegment = {{1, 2}, {2, 1}, {1, 1}};
        for (int s = 0; s < 3; s++) {
            JsonNode e = d.get("segments").get(s).get("embedding");
            assertEquals(2, e.size());
            for (int i = 0; i < 2; i++) assertEquals(perSegment[s][i], e.get(i).asDouble(), 1e-6, "segment " + s + " dim " + i);
        }
        JsonNode e = d.get("embedding");
        assertEquals(2, e.size());
        assertEquals(14 / 10.0, e.get(0).asDouble(), 1e-6, "(4 + 8 + 2) / 10 tokens");
        assertEquals(14 / 10.0, e.get(1).asDouble(), 1e-6, "(8 + 4 + 2) / 10 tokens");
        assertEquals(5.0, d.get("meanNll").asDouble(), 1e-12, "an embed job reports the scores too");
    }

    @Test
    void severalDocumentsKeepTheirOrderAndOwnNumbers() {
        List<SegmentOutcome> shortDoc = List.of(new SegmentOutcome(0, 3, new double[]{0.5, 1.5, Double.NaN}, null, 2, 0.5, 0, 0, 0));
        ObjectNode r = build(job(Task.SCORE, true, List.of("b", "a"), new int[]{1, 3}),
                List.of(shortDoc, tenTokens()), 1);
        JsonNode b = r.get("documents").get(0), a = r.get("documents").get(1);
        assertEquals("b", b.get("id").asText());
        assertEquals("a", a.get("id").asText());
        assertEquals(3, b.get("tokens").asInt());
        assertEquals(1.0, b.get("meanNll").asDouble(), 1e-12);
        assertEquals(2, b.get("nll").size());
        assertEquals(1.0, b.get("compressionRatio").asDouble(), "nothing stored: ratio 1");
        assertEquals(5.0, a.get("meanNll").asDouble(), 1e-12);
        assertEquals(9, a.get("nll").size());
    }

    /**
     * A 10M-token int4 document stores about 2.36 GB (docs/benchmarks.md, "One million tokens, and ten"): store and
     * raw bytes past 2^31 and 2^32 add up exactly (a narrowing {@code int} sum would wrap; {@code +=} would hide it).
     */
    @Test
    void storeBytesPastTwoToTheThirtyTwoAddUpExactly() {
        long enc = 1_500_000_000L, raw = 6_000_000_000L; // per segment, each past 2^31; together past 2^32
        List<SegmentOutcome> segs = List.of(new SegmentOutcome(0, 4, new double[]{1, 2, 3, 4}, null, 2, 1, 0, raw, enc),
                new SegmentOutcome(4, 8, new double[]{1, 2, 3, 4}, null, 2, 1, 0, raw, enc),
                new SegmentOutcome(8, 10, new double[]{1, Double.NaN}, null, 2, 1, 0, raw, enc + 1));
        JsonNode d = build(job(Task.SCORE, false, List.of("d"), new int[]{3}), List.of(segs), 1).get("documents").get(0);
        assertEquals(3 * enc + 1, d.get("storeBytes").asLong());
        assertTrue(d.get("storeBytes").asLong() > 1L << 32);
        assertEquals(3.0 * raw / (3 * enc + 1), d.get("compressionRatio").asDouble(), 1e-12);
    }

    @Test
    void aLastSegmentOfOneTokenHasNoMean() {
        List<SegmentOutcome> segs = List.of(new SegmentOutcome(0, 4, new double[]{1, 2, 3, 4}, null, 2, 1, 0, 10, 5),
                new SegmentOutcome(4, 5, new double[]{Double.NaN}, null, 1, 1, 0, 2, 1));
        JsonNode d = build(job(Task.SCORE, true, List.of("d"), new int[]{2}), List.of(segs), 1)
                .get("documents").get(0);
        assertEquals(5, d.get("tokens").asInt());
        assertEquals(2.5, d.get("meanNll").asDouble(), 1e-12);
        assertTrue(d.get("segments").get(1).get("meanNll").isNull());
        assertEquals(4, d.get("nll").size());
        assertEquals(2.0, d.get("compressionRatio").asDouble(), 1e-12);
    }

    @Test
    void theResultIsValidJson() throws Exception {
        ObjectNode r = build(job(Task.EMBED, true, List.of("doc"), new int[]{3}), List.of(tenTokens()), 1);
        String text = json.writeValueAsString(r);
        assertFalse(text.contains("NaN"), text);
        assertTrue(json.readTree(text).get("documents").get(0).get("segments").isArray());
    }
}

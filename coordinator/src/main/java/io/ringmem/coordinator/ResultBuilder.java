package io.ringmem.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The result JSON of a job from its stored outcomes (see docs/cluster.md): per document its tokens, mean NLL,
 * perplexity, per-segment NLL (and embeddings for embed jobs), timing and store usage. Mean NLL averages the
 * NLL of every token after the first (n - 1 predictions), summed in position order.
 */
final class ResultBuilder {
    private final ObjectMapper json;

    ResultBuilder(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode documentsResult(JobRecord job, List<List<SegmentOutcome>> outcomes, double seconds) {
        ObjectNode root = json.createObjectNode();
        root.put("id", job.id()).put("task", job.spec().task().wireName()).put("workers", job.spec().workers()).put("seconds", seconds);
        ArrayNode docs = root.putArray("documents");
        for (int d = 0; d < outcomes.size(); d++) docs.add(document(job, job.documentIds().get(d), outcomes.get(d)));
        return root;
    }

    private ObjectNode document(JobRecord job, String id, List<SegmentOutcome> segs) {
        boolean embed = job.spec().task() == Task.EMBED;
        ObjectNode doc = json.createObjectNode();
        int tokens = segs.getLast().end();
        double sum = 0, secs = 0, wait = 0;
        long raw = 0, enc = 0;
        int count = 0;
        double[] emb = null;
        ArrayNode segments = json.createArrayNode();
        for (int s = 0; s < segs.size(); s++) {
            SegmentOutcome o = segs.get(s);
            double segSum = 0;
            int segCount = 0;
            for (double v : o.nll()) {
                if (!Double.isNaN(v)) {
                    segSum += v;
                    segCount++;
                }
            }
            sum += segSum;
            count += segCount;
            secs += o.seconds();
            wait += o.ringWaitSeconds();
            raw += o.rawBytes();
            enc += o.encodedBytes();
            ObjectNode seg = segments.addObject();
            seg.put("index", s).put("start", o.start()).put("end", o.end()).put("workers", o.workers()).put("seconds", o.seconds());
            if (segCount > 0) seg.put("meanNll", segSum / segCount);
            else seg.putNull("meanNll");
            if (embed && o.embeddingSum() != null) {
                ArrayNode e = seg.putArray("embedding");
                for (float v : o.embeddingSum()) e.add(v / (o.end() - o.start()));
                if (emb == null) emb = new double[o.embeddingSum().length];
                for (int i = 0; i < emb.length; i++) emb[i] += o.embeddingSum()[i];
            }
        }
        double mean = count == 0 ? Double.NaN : sum / count;
        doc.put("id", id).put("tokens", tokens).put("meanNll", mean).put("perplexity", Math.exp(mean))
                .put("seconds", secs).put("tokensPerSecond", secs > 0 ? tokens / secs : 0).put("ringWaitSeconds", wait)
                .put("storeBytes", enc).put("compressionRatio", enc == 0 ? 1.0 : (double) raw / enc);
        doc.set("segments", segments);
        if (emb != null) {
            ArrayNode e = doc.putArray("embedding");
            for (double v : emb) e.add((float) (v / tokens));
        }
        if (job.spec().tokenNll()) {
            ArrayNode nll = doc.putArray("nll");
            for (SegmentOutcome o : segs) for (double v : o.nll()) if (!Double.isNaN(v)) nll.add(v);
        }
        return doc;
    }
}

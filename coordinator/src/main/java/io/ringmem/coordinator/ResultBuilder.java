package io.ringmem.coordinator;

import io.ringmem.api.DocumentResult;
import io.ringmem.api.DocumentsResult;
import io.ringmem.api.SegmentResult;
import io.ringmem.segment.SegmentConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of a score or embed job from its stored outcomes (see docs/cluster.md): per document its tokens, mean
 * NLL, perplexity, per-segment NLL (and embeddings for embed jobs), timing and store usage. Mean NLL averages the
 * NLL of every token after the first (n - 1 predictions), summed in position order.
 */
final class ResultBuilder {
    private ResultBuilder() {
    }

    static DocumentsResult documentsResult(JobRecord job, List<List<SegmentOutcome>> outcomes, double seconds) {
        List<DocumentResult> docs = new ArrayList<>();
        for (int d = 0; d < outcomes.size(); d++) docs.add(document(job, job.documentIds().get(d), outcomes.get(d)));
        return new DocumentsResult(job.id(), job.spec().task().wireName(), job.spec().workers(), seconds, docs);
    }

    private static DocumentResult document(JobRecord job, String id, List<SegmentOutcome> segs) {
        boolean embed = job.spec().task() == Task.EMBED;
        int tokens = segs.getLast().end();
        double sum = 0, secs = 0, wait = 0;
        long raw = 0, enc = 0;
        int count = 0;
        double[] emb = null;
        List<SegmentResult> segments = new ArrayList<>();
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
            float[] segEmbedding = null;
            if (embed && o.embeddingSum() != null) {
                segEmbedding = new float[o.embeddingSum().length];
                for (int i = 0; i < segEmbedding.length; i++) segEmbedding[i] = o.embeddingSum()[i] / (o.end() - o.start());
                if (emb == null) emb = new double[o.embeddingSum().length];
                for (int i = 0; i < emb.length; i++) emb[i] += o.embeddingSum()[i];
            }
            segments.add(new SegmentResult(s, o.start(), o.end(), o.workers(), o.seconds(),
                    segCount > 0 ? segSum / segCount : null, segEmbedding));
        }
        double mean = count == 0 ? Double.NaN : sum / count;
        float[] embedding = null;
        if (emb != null) {
            embedding = new float[emb.length];
            for (int i = 0; i < emb.length; i++) embedding[i] = (float) (emb[i] / tokens);
        }
        double[] nll = null;
        if (job.spec().tokenNll()) {
            nll = new double[count];
            int i = 0;
            for (SegmentOutcome o : segs) for (double v : o.nll()) if (!Double.isNaN(v)) nll[i++] = v;
        }
        SegmentConfig ran = job.spec().settings().resolvedFor(tokens, 0); // as JobRunner ran it
        return new DocumentResult(id, tokens, mean, Math.exp(mean), secs, secs > 0 ? tokens / secs : 0, wait, enc,
                enc == 0 ? 1.0 : (double) raw / enc, segments, embedding, nll, ran.positions().wireName(),
                ran.positionWarnings(tokens));
    }
}

package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One document of a score or embed result. Mean NLL averages the NLL of every token after the first (n - 1
 * predictions).
 *
 * @param tokens           the document's token count
 * @param meanNll          nats per token (NaN for a document without predictions)
 * @param seconds          segment wall time summed
 * @param ringWaitSeconds  time the ranks were blocked on the ring, summed
 * @param storeBytes       bytes of the stored compressed KV blocks
 * @param compressionRatio fp32 KV bytes / stored bytes
 * @param segments         per segment, in order
 * @param embedding        (dim) embed jobs: mean-pooled final hidden state of the document; else null
 * @param nll              (tokens - 1) per-token NLL when the request asked for {@code tokenNll}; else null
 * @param positions        the positions policy that ran: window or document (null from servers that predate it)
 * @param warnings         what the caller should know about the result's quality, for example positions past the
 *                         model's trained context; empty when there is nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentResult(String id, int tokens, double meanNll, double perplexity, double seconds,
                             double tokensPerSecond, double ringWaitSeconds, long storeBytes, double compressionRatio,
                             List<SegmentResult> segments, float[] embedding, double[] nll, String positions,
                             List<String> warnings) {
    public DocumentResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A result without a positions policy or warnings. */
    public DocumentResult(String id, int tokens, double meanNll, double perplexity, double seconds, double tokensPerSecond,
                          double ringWaitSeconds, long storeBytes, double compressionRatio, List<SegmentResult> segments,
                          float[] embedding, double[] nll) {
        this(id, tokens, meanNll, perplexity, seconds, tokensPerSecond, ringWaitSeconds, storeBytes, compressionRatio, segments,
                embedding, nll, null, List.of());
    }
}

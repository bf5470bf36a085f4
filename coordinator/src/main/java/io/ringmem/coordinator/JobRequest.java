package io.ringmem.coordinator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A job as submitted over REST (see docs/cluster.md). Every field but {@code task} and {@code documents} is
 * optional; {@link JobValidator} checks it and fills in defaults. Unknown fields are rejected.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(String task, String model, List<DocumentInput> documents, Integer workers,
                         Integer segmentTokens, String kvCodec, Integer retrieveTopK, Integer sinkTokens,
                         Integer windowTokens, Integer kvBlockTokens, String question, String prompt, Integer maxTokens,
                         Double temperature, Double topP, Long seed, Boolean tokenNll) {

    /** One document: {@code text} (tokenized by the coordinator, BOS added) or {@code tokens} (used as given). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DocumentInput(String id, String text, int[] tokens) {
    }

    public static JobRequest score(List<DocumentInput> documents, Integer workers, Integer segmentTokens) {
        return new JobRequest("score", null, documents, workers, segmentTokens, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }
}

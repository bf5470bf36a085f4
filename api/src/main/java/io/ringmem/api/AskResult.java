package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Result of an {@code ask} job: one answer per named document. */
public record AskResult(String id, String task, List<Answer> documents) implements JobResult {

    /**
     * @param answer the decoded answer, or null for a model without a tokenizer
     * @param tokens answer length in tokens
     * @param worker the worker that answered
     * @param ids    the answer's token ids
     */
    public record Answer(String id, @JsonInclude(JsonInclude.Include.ALWAYS) String answer, int tokens, String worker,
                         int[] ids) {
    }
}

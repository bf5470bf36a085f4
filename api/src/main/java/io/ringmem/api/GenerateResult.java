package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Result of a {@code generate} job.
 *
 * @param text   the decoded continuation, or null for a model without a tokenizer
 * @param tokens continuation length in tokens
 * @param worker the worker that generated it
 * @param ids    the continuation's token ids (the prompt excluded)
 */
public record GenerateResult(String id, String task, @JsonInclude(JsonInclude.Include.ALWAYS) String text, int tokens,
                             String worker, int[] ids) implements JobResult {
}

package io.ringmem.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What {@code GET /v1/jobs/{id}/result} returns for a SUCCEEDED job; its {@code task} says which shape:
 * {@link DocumentsResult} (score, embed), {@link AskResult} (ask), {@link GenerateResult} (generate).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "task", visible = true)
@JsonSubTypes({
        @JsonSubTypes.Type(value = DocumentsResult.class, names = {"score", "embed"}),
        @JsonSubTypes.Type(value = AskResult.class, name = "ask"),
        @JsonSubTypes.Type(value = GenerateResult.class, name = "generate")})
public sealed interface JobResult permits DocumentsResult, AskResult, GenerateResult {
    /** The job's id. */
    String id();

    /** score, embed, ask or generate. */
    String task();
}

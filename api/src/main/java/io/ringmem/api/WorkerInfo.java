package io.ringmem.api;

/** A worker serving the cluster's model, as {@code GET /v1/workers} lists it: its name and ring address. */
public record WorkerInfo(String name, String ring) {
}

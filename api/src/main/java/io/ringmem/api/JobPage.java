package io.ringmem.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code GET /v1/jobs?limit=N&after=TOKEN}: jobs newest first (by submission order, a stable order), and
 * the token of the next page when there may be more (the response header {@value #NEXT_HEADER}).
 *
 * @param jobs at most the requested limit
 * @param next pass as {@code after} for the next page; empty on the last page
 */
public record JobPage(List<JobStatus> jobs, Optional<String> next) {
    /** Response header that carries the next page's token. */
    public static final String NEXT_HEADER = "X-Ringmem-Next-Page";
    /** Page size when {@code limit} is not given. */
    public static final int DEFAULT_LIMIT = 100;
    /** Largest {@code limit} accepted. */
    public static final int MAX_LIMIT = 1000;

    public JobPage {
        jobs = List.copyOf(jobs);
    }
}

package io.ringmem.kv;

import java.util.List;
import java.util.Locale;

/**
 * How segment mode ranks stored blocks for one query chunk (the chunk's queries {@code q_t}, t in [0, nq)).
 * <ul>
 *   <li>{@link #MEAN}: the chunk's mean query against each block's mean key ({@link RetrievalIndex#topKMean}); one
 *   dot product per block and head. A single query token that wants one key is diluted by the chunk (1/nq) and the
 *   key by its block (1/blockTokens).</li>
 *   <li>{@link #TOKEN}: every query token against each block's mean key, the block scored by its best token
 *   ({@link RetrievalIndex#topKTokens}); nq times the cost of {@code MEAN}; the query is no longer diluted, the key
 *   still is.</li>
 *   <li>{@link #RESCORE}: two stages (REFORM-like): {@code TOKEN} chooses {@code candidates} blocks, whose exact
 *   (decoded) keys are then fetched and the block scored by its largest query-key logit
 *   ({@link BlockRescorer#maxLogit}); the top-k of those are retrieved. Costs {@code TOKEN} plus fetching and decoding
 *   the candidates.</li>
 *   <li>{@link #LAST_EXACT}: {@code MEAN} in every layer but the last; in the last layer every query token ranks
 *   every stored block by its exact (decoded) keys, {@code Σ_g max_{h in g} max_j q_h · k_{j,g}} (what
 *   {@code PER_TOKEN} computes with every key its own representative), and attends to its own top-k. The exact scan
 *   costs (query tokens × stored keys), so it is meant for jobs whose output is read at a few positions: a forward
 *   pass computes the last layer's attention only for the positions it scores when the extra context says each
 *   query's keys are its own ({@link io.ringmem.forward.ExtraContext#rowsIndependent}); with every position scored
 *   it costs as much as exact attention.</li>
 * </ul>
 * Not guaranteed by any of them: that the chosen blocks are the ones with the most attention mass.
 */
public enum RetrievalScoring {
    MEAN, TOKEN, RESCORE, PER_TOKEN, LAST_EXACT;

    /** The names as the CLI spells them. */
    public static final List<String> NAMES = List.of("mean", "token", "rescore", "per-token", "last-exact");

    /** Candidates per retrieved block that {@link #RESCORE} rescores by default. */
    public static final int DEFAULT_CANDIDATES_PER_BLOCK = 8;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A scoring by name (case-insensitive); IllegalArgumentException naming the choices. */
    public static RetrievalScoring parse(String name) {
        for (RetrievalScoring s : values()) if (s.wireName().equalsIgnoreCase(name.strip())) return s;
        throw new IllegalArgumentException("unknown retrievalScoring '" + name + "': use one of " + String.join(", ", NAMES));
    }
}

package io.ringmem.forward;

import io.ringmem.ring.ShardSchedule;

import java.time.Duration;
import java.util.Objects;

/**
 * How a forward pass is run.
 *
 * @param ranks       ranks P of the ring (threads of this JVM or worker processes, one rank each)
 * @param schedule    how tokens are split over the ranks
 * @param blockTokens tokens per batched matmul block (bounds temporary memory; does not change results)
 * @param stepTimeout how long a rank waits for its neighbour's KV block before failing
 * @param grain       shards are cut only at multiples of this many tokens ({@link ShardSchedule#positions(int, int,
 *                    int, int)}); 1 cuts anywhere
 */
public record RunConfig(int ranks, ShardSchedule schedule, int blockTokens, Duration stepTimeout, int grain) {
    public RunConfig {
        if (grain < 1) throw new IllegalArgumentException("grain must be at least 1, got " + grain);
        if (ranks < 1) throw new IllegalArgumentException("ranks must be at least 1, got " + ranks);
        Objects.requireNonNull(schedule, "schedule");
        if (blockTokens < 1) throw new IllegalArgumentException("blockTokens must be at least 1, got " + blockTokens);
        if (stepTimeout.isNegative() || stepTimeout.isZero()) throw new IllegalArgumentException("stepTimeout must be positive");
    }

    /** Cutting anywhere (grain 1). */
    public RunConfig(int ranks, ShardSchedule schedule, int blockTokens, Duration stepTimeout) {
        this(ranks, schedule, blockTokens, stepTimeout, 1);
    }

    public RunConfig withRanks(int p) {
        return new RunConfig(p, schedule, blockTokens, stepTimeout, grain);
    }

    public RunConfig withGrain(int g) {
        return new RunConfig(ranks, schedule, blockTokens, stepTimeout, g);
    }

    public static RunConfig of(int ranks, ShardSchedule schedule) {
        return new RunConfig(ranks, schedule, 256, Duration.ofMinutes(5));
    }
}

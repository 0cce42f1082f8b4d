package dev.byoc.monitor.health;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a cluster is polled next: at its own slot in every interval, the slot derived from its id
 * (random, so a fleet's slots are spread evenly over the interval), plus up to the jitter. After a
 * restart, or when a thousand clusters are validated in the same second, the polls fall back into
 * their slots within one interval instead of staying bunched up for ever.
 */
record PollRhythm(Duration interval, Duration jitter) {
    PollRhythm {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("byoc.monitor.poll-interval must be at least 1 ms");
        }
    }

    /** The cluster's next slot after {@code now}: later than now, at most one interval away (plus the jitter). */
    Instant next(UUID clusterId, Instant now) {
        long period = interval.toMillis();
        long slot = Math.floorMod(clusterId.getLeastSignificantBits(), period);
        long at = now.toEpochMilli();
        long next = at - Math.floorMod(at - slot, period) + period;
        long extra = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1);
        return Instant.ofEpochMilli(next + extra);
    }
}

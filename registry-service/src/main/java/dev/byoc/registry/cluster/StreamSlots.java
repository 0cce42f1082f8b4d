package dev.byoc.registry.cluster;

import dev.byoc.registry.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caps on live streams of one replica: {@code byoc.sse.max-per-user} per user and
 * {@code byoc.sse.max-total} in all; past either, 429 problem+json, and nothing is opened.
 */
@ApplicationScoped
public class StreamSlots {
    private final int perUser;
    private final int total;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> byUser = new ConcurrentHashMap<>();

    StreamSlots(StreamConfig config, MeterRegistry metrics) {
        this.perUser = config.maxPerUser();
        this.total = config.maxTotal();
        metrics.gauge("byoc_sse_streams_open", open);
    }

    /** A slot for {@code user}'s new stream; release it exactly once when the stream ends. */
    public Runnable acquire(String user) {
        AtomicInteger mine = byUser.computeIfAbsent(user, u -> new AtomicInteger());
        if (mine.incrementAndGet() > perUser) {
            mine.decrementAndGet();
            throw tooMany("you have " + perUser + " live streams open on this replica, the most allowed; close one "
                    + "(or follow several clusters with GET /api/v1/clusters?status=…)");
        }
        if (open.incrementAndGet() > total) {
            open.decrementAndGet();
            mine.decrementAndGet();
            throw tooMany("this replica serves " + total + " live streams, the most it allows; retry shortly");
        }
        var released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
                mine.decrementAndGet();
            }
        };
    }

    private static ProblemException tooMany(String detail) {
        return new ProblemException(429, "too-many-streams", "Too Many Requests", detail, null);
    }
}

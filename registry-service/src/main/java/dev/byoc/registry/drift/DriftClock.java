package dev.byoc.registry.drift;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** When a cluster is next due for re-validation: one rule for a new cluster and for one just verified. */
@ApplicationScoped
public class DriftClock {
    private final RevalidationConfig config;

    DriftClock(RevalidationConfig config) {
        this.config = config;
    }

    /**
     * The same rule in SQL, for a statement that reschedules many clusters at once (each its own
     * draw); bind {@link #sqlParameters()}.
     */
    static final String SQL_NEXT = "now() + (cast(:intervalMs as double precision) * (1 - cast(:jitter as double precision) "
            + "+ 2 * cast(:jitter as double precision) * random())) * interval '1 millisecond'";

    java.util.Map<String, Object> sqlParameters() {
        return java.util.Map.of("intervalMs", (double) config.interval().toMillis(), "jitter", jitter());
    }

    public Instant next(Instant from) {
        return from.plusMillis(jitteredMillis());
    }

    /** The interval, stretched or shrunk by up to the jitter fraction. */
    long jitteredMillis() {
        double jitter = jitter();
        double factor = 1 - jitter + 2 * jitter * ThreadLocalRandom.current().nextDouble();
        return Math.max(1, Math.round(config.interval().toMillis() * factor));
    }

    private double jitter() {
        return Math.max(0, Math.min(1, config.jitter()));
    }
}

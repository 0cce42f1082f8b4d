package dev.byoc.registry.outbox;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** The outbox relay's settings, {@code byoc.outbox.*}. */
@ConfigMapping(prefix = "byoc.outbox")
public interface OutboxConfig {
    /** the relay's rhythm on each replica (read by the {@code @Scheduled} expression too) */
    Duration pollInterval();

    /** rows claimed and published per relay transaction */
    int batchSize();
}

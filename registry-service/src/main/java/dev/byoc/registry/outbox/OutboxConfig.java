package dev.byoc.registry.outbox;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** The outbox relay's settings, {@code byoc.outbox.*}. */
@ConfigMapping(prefix = "byoc.outbox")
public interface OutboxConfig {
    /**
     * the fallback tick of each replica's relay (read by the {@code @Scheduled} expression too): the
     * relay is woken by the commit that filled the outbox, so this only bounds how late a
     * notification missed while the LISTEN connection was down is made up for (default 1 s)
     */
    Duration pollInterval();

    /** rows claimed and published per relay transaction, sent at once (one per cluster) */
    int batchSize();

    /**
     * how long the relay waits for the broker's acknowledgement of one row (default 15 s); a row
     * not acknowledged by then stays unsent for the next round, so a connector that keeps
     * retrying during a broker outage never holds the relay (and its claimed rows) for ever
     */
    @io.smallrye.config.WithDefault("15s")
    java.time.Duration sendTimeout();
}

package dev.byoc.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How much work the provisioner takes on, {@code byoc.provisioner.*} (read by {@code ClusterEventsConsumer}). */
@ConfigMapping(prefix = "byoc.provisioner")
public interface ProvisionerConfig {
    /** clusters validated / torn down at once per replica (default 8) */
    @WithDefault("8")
    int maxConcurrency();

    /** records admitted (queued or running) before the consumer pauses; unset = 4 × max-concurrency */
    Optional<Integer> maxPending();

    /** on shutdown, running work may finish for this long; the rest stays unacknowledged (default 10s) */
    @WithDefault("10s")
    Duration shutdownGrace();
}

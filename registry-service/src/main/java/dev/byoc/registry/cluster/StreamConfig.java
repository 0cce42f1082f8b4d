package dev.byoc.registry.cluster;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** The live status streams' settings, {@code byoc.sse.*}. */
@ConfigMapping(prefix = "byoc.sse")
public interface StreamConfig {
    /** open streams allowed per user on one replica; past it, 429 */
    int maxPerUser();

    /** open streams allowed on one replica; past it, 429 */
    int maxTotal();

    /** how often a quiet stream sends a keep-alive comment (proxies close silent connections) */
    Duration keepAlive();
}

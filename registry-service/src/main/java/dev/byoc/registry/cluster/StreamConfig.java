package dev.byoc.registry.cluster;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** The live status streams' settings, {@code byoc.sse.*}. */
@ConfigMapping(prefix = "byoc.sse")
public interface StreamConfig {
    /** how often an open stream re-reads its cluster */
    Duration checkInterval();
}

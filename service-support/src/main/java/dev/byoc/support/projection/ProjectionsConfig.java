package dev.byoc.support.projection;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The projection engine's settings, {@code byoc.projections.*}. */
@ConfigMapping(prefix = "byoc.projections")
public interface ProjectionsConfig {
    /** records per rebuild batch: one transaction, one write per cluster */
    @WithDefault("2000")
    int rebuildBatchSize();
}

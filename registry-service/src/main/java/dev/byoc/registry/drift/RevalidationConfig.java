package dev.byoc.registry.drift;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The drift schedule's settings, {@code byoc.revalidate.*}: every running or failed cluster is verified again this often. */
@ConfigMapping(prefix = "byoc.revalidate")
public interface RevalidationConfig {
    /** false: no scheduled re-validation at all (verify on demand still works) */
    @WithDefault("true")
    boolean enabled();

    /** how often each running or failed cluster is verified again (default 6 h; env BYOC_REVALIDATE_INTERVAL) */
    @WithDefault("6h")
    Duration interval();

    /**
     * each cluster's next turn is {@code interval × (1 ± jitter)}, drawn anew every time, so a fleet
     * registered in one burst does not come due in one burst for ever (default 0.1)
     */
    @WithDefault("0.1")
    double jitter();

    /**
     * how often each replica looks for clusters that came due (the scheduler's {@code every}: at least
     * 1 s, which is all Quarkus' scheduler supports); a cluster is verified at most this late (default 1 min)
     */
    @WithDefault("1m")
    Duration tick();

    /** most clusters one replica claims per transaction; a tick claims batch after batch until none is due */
    @WithDefault("500")
    int batchSize();
}

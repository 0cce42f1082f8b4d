package dev.byoc.monitor.watch;

import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.lifecycle.ClusterState;
import java.time.Instant;
import java.util.UUID;

/** One row of the watch list. */
public record WatchedCluster(UUID clusterId, String name, String owner, int partition, ClusterState state,
        ClusterSpec spec, Instant statusSince, String lastObservation, long lastOffset) {
}

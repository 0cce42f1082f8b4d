package dev.byoc.monitor.watch;

import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.lifecycle.ClusterState;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the watch list: the folded state of a cluster, the spec needed to poll it, the
 * partition its events live in (which decides the replica that polls it), since when it has had
 * its status (the time of the event that set it) and the last EKS observation.
 */
public record WatchedCluster(UUID clusterId, String name, String owner, int partition, ClusterState state,
        ClusterSpec spec, Instant statusSince, String lastObservation, String lastEventId, long lastOffset) {
}

package dev.byoc.contracts.event;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.time.Instant;
import java.util.UUID;

/** The value of {@code byoc.cluster-state} (compacted, key = cluster id): what ops see of the fleet. */
public record ClusterStateRecord(UUID clusterId, String name, String owner, ClusterStatus status, String reason,
        String region, String eksClusterName, String externalIdHint, String lastEventId, Instant updatedAt) {
}

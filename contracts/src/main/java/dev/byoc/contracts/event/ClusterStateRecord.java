package dev.byoc.contracts.event;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * The value of {@code byoc.cluster-state} (compacted, key = cluster id): what ops see of the fleet.
 * It carries nothing derived from the owner's external ID (the former {@code externalIdHint} is no
 * longer written).
 */
public record ClusterStateRecord(UUID clusterId, String name, String owner, ClusterStatus status, String reason,
        String region, String eksClusterName, String lastEventId, Instant updatedAt) {
}

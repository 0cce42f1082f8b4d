package dev.byoc.registry.projection;

import java.time.Instant;
import java.util.UUID;

/** One cluster in the cluster view: what the API shows beside the write model. JSON columns as text. */
public record ClusterViewRow(UUID clusterId, String name, String owner, String status, String reason, String reasonCode, String checks,
        String teardown, String lastEventId, int lastPartition, long lastOffset, Instant updatedAt, Instant lastValidatedAt) {

    ClusterViewRow after(String eventId, int partition, long offset) {
        return new ClusterViewRow(clusterId, name, owner, status, reason, reasonCode, checks, teardown, eventId, partition, offset,
                updatedAt, lastValidatedAt);
    }

    ClusterViewRow withStatus(String newStatus, String newReason, String newReasonCode, Instant at) {
        return new ClusterViewRow(clusterId, name, owner, newStatus, newReason, newReasonCode, checks, teardown, lastEventId,
                lastPartition, lastOffset, at, lastValidatedAt);
    }

    /** A validation report completed at {@code at}: its checks, and the time the cluster was last validated. */
    ClusterViewRow withChecks(String newChecks, Instant at) {
        return new ClusterViewRow(clusterId, name, owner, status, reason, reasonCode, newChecks, teardown, lastEventId,
                lastPartition, lastOffset, at, at);
    }

    ClusterViewRow withTeardown(String newTeardown, Instant at) {
        return new ClusterViewRow(clusterId, name, owner, status, reason, reasonCode, checks, newTeardown, lastEventId,
                lastPartition, lastOffset, at, lastValidatedAt);
    }
}

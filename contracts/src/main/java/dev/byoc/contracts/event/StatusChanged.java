package dev.byoc.contracts.event;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.lifecycle.ReasonCode;
import java.time.Instant;
import java.util.UUID;

/** @param reasonCode why, for programs (optional: absent in records written before it existed) */
public record StatusChanged(UUID clusterId, String name, ClusterStatus from, ClusterStatus to, String reason,
        ReasonCode reasonCode, String causeEventId, Instant observedAt) implements EventData {
}

package dev.byoc.contracts.event;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.time.Instant;
import java.util.UUID;

public record StatusChanged(UUID clusterId, String name, ClusterStatus from, ClusterStatus to, String reason,
        String causeEventId, Instant observedAt) implements EventData {
}

package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.UUID;

public record ClusterRequested(UUID clusterId, String name, String owner, ClusterSpec spec, Instant requestedAt)
        implements EventData {
}

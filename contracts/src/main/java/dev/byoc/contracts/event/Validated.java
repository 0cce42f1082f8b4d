package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record Validated(UUID clusterId, String causeEventId, List<Check> checks, Instant completedAt)
        implements EventData {
}

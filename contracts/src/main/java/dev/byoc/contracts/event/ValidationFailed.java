package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record ValidationFailed(UUID clusterId, String causeEventId, List<Check> checks, String reason,
        Instant completedAt) implements EventData {
}

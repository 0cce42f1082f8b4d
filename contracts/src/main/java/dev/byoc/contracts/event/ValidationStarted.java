package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.UUID;

public record ValidationStarted(UUID clusterId, String causeEventId, Instant startedAt) implements EventData {
}

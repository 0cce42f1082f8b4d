package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record TeardownCompleted(UUID clusterId, String causeEventId, List<String> removed,
        List<LeftBehind> leftBehind, String hint, Instant completedAt) implements EventData {

    public record LeftBehind(String resource, String reason) {
    }
}

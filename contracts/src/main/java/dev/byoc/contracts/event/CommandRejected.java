package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record CommandRejected(UUID clusterId, String name, String correlationId, String commandType,
        List<dev.byoc.contracts.spec.Violation> errors, Instant rejectedAt) implements EventData {

}

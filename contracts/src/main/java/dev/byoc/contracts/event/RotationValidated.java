package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The candidate role of a rotation passed the checks ({@code checks}, as a validation would report
 * them). Moves no status: the registry switches the cluster to {@code roleArn} if it still runs on
 * {@code fromRoleArn}, and publishes updated.
 */
public record RotationValidated(UUID clusterId, String causeEventId, String roleArn, String fromRoleArn, List<Check> checks,
        Instant completedAt) implements EventData {
}

package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The candidate role of a rotation failed a check: the cluster stays on {@code fromRoleArn}, its
 * status untouched (the candidate's trouble says nothing about the role it runs on).
 */
public record RotationFailed(UUID clusterId, String causeEventId, String roleArn, String fromRoleArn, List<Check> checks,
        String reason, Instant completedAt) implements EventData {
}

package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.UUID;

/**
 * The owner asked to move the cluster to another IAM role ({@code PATCH} of {@code role_arn}). A
 * request, not a change: {@code spec} is still the current one (the cluster keeps running on its
 * role); the provisioner validates {@code candidateRoleArn} and answers {@link RotationValidated}
 * or {@link RotationFailed}. Only a validated rotation changes the spec (then an updated event).
 */
public record RotationRequested(UUID clusterId, String name, String owner, ClusterSpec spec, String candidateRoleArn,
        Instant requestedAt) implements EventData {
}

package dev.byoc.contracts.lifecycle;

import dev.byoc.contracts.event.HealthObserved.EksStatus;
import java.util.UUID;

/**
 * What the state machine knows of one cluster. {@code status == null} means "never requested".
 * The streak counters implement the no-flapping rule.
 */
public record ClusterState(
        UUID clusterId,
        String name,
        ClusterStatus status,
        String reason,
        boolean validated,
        FailureCause failureCause,
        EksStatus lastEksStatus,
        int healthyStreak,
        int unhealthyStreak) {

    public static ClusterState initial(UUID clusterId) {
        return new ClusterState(clusterId, null, null, null, false, null, null, 0, 0);
    }

    ClusterState to(ClusterStatus newStatus, String newReason, FailureCause cause) {
        return new ClusterState(clusterId, name, newStatus, newReason, validated, cause, lastEksStatus, 0, 0);
    }

    ClusterState withName(String newName) {
        return new ClusterState(clusterId, newName, status, reason, validated, failureCause, lastEksStatus,
                healthyStreak, unhealthyStreak);
    }

    ClusterState withValidated(boolean isValidated) {
        return new ClusterState(clusterId, name, status, reason, isValidated, failureCause, lastEksStatus,
                healthyStreak, unhealthyStreak);
    }

    ClusterState withObservation(EksStatus eks, int healthy, int unhealthy) {
        return new ClusterState(clusterId, name, status, reason, validated, failureCause, eks, healthy, unhealthy);
    }
}

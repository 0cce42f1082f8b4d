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
        ReasonCode reasonCode,
        boolean validated,
        FailureCause failureCause,
        EksStatus lastEksStatus,
        int healthyStreak,
        int unhealthyStreak) {

    public static ClusterState initial(UUID clusterId) {
        return new ClusterState(clusterId, null, null, null, null, false, null, null, 0, 0);
    }

    /** A transition with a fixed reason: the code's own text. */
    ClusterState to(ClusterStatus newStatus, ReasonCode code, FailureCause cause) {
        return to(newStatus, code, code.text(), cause);
    }

    ClusterState to(ClusterStatus newStatus, ReasonCode code, String newReason, FailureCause cause) {
        return new ClusterState(clusterId, name, newStatus, newReason, code, validated, cause, lastEksStatus, 0, 0);
    }

    ClusterState withName(String newName) {
        return new ClusterState(clusterId, newName, status, reason, reasonCode, validated, failureCause, lastEksStatus,
                healthyStreak, unhealthyStreak);
    }

    ClusterState withValidated(boolean isValidated) {
        return new ClusterState(clusterId, name, status, reason, reasonCode, isValidated, failureCause, lastEksStatus,
                healthyStreak, unhealthyStreak);
    }

    ClusterState withObservation(EksStatus eks, int healthy, int unhealthy) {
        return new ClusterState(clusterId, name, status, reason, reasonCode, validated, failureCause, eks, healthy, unhealthy);
    }
}

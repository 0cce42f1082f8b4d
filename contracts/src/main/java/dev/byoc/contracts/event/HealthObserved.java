package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.UUID;

/** One EKS observation by the monitor, published only when it differs from the previous one. */
public record HealthObserved(UUID clusterId, EksStatus eksStatus, boolean healthy, String detail,
        Instant observedAt) implements EventData {

    public enum EksStatus {
        ACTIVE, CREATING, UPDATING, DELETING, FAILED, PENDING, NOT_FOUND, ROLE_NOT_ASSUMABLE, ERROR;

        public boolean healthy() {
            return this == ACTIVE || this == UPDATING;
        }

        /** Still coming up: neither healthy nor a reason to fail a pending cluster. */
        public boolean provisioning() {
            return this == CREATING || this == PENDING;
        }
    }
}

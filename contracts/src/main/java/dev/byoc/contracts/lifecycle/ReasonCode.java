package dev.byoc.contracts.lifecycle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why a cluster is in its status, for programs: every transition the {@link StateMachine} makes
 * names one (status-changed's {@code reasonCode}, the API's {@code reasonCode}); the reason text
 * beside it is for people and may change wording. Lower-kebab-case on the wire.
 */
public enum ReasonCode {
    /** queued: registered, waiting for the provisioner. */
    REQUESTED(null),
    /** pending: the provisioner is checking AWS access. */
    VALIDATING("validating AWS access"),
    /** pending again after a failed validation: checking anew. */
    REVALIDATING("re-validating AWS access"),
    /** pending: access validated, waiting for EKS to report ACTIVE. */
    AWAITING_EKS("validated; waiting for EKS to be ACTIVE"),
    /** failed: a check failed; the text says which and how to fix it. */
    VALIDATION_FAILED(null),
    /** running: EKS reports the cluster healthy. */
    EKS_ACTIVE(null),
    /** running again after a health failure. */
    EKS_RECOVERED(null),
    /** failed: EKS has no such cluster. */
    EKS_NOT_FOUND(null),
    /** failed: the platform can no longer assume the customer's role. */
    ROLE_NOT_ASSUMABLE(null),
    /** failed: EKS reports the cluster FAILED. */
    EKS_FAILED(null),
    /** failed: the EKS cluster is being deleted outside the platform. */
    EKS_DELETED_OUTSIDE(null),
    /** failed: any other unhealthy EKS status. */
    EKS_UNHEALTHY(null),
    /** failed: still pending when the provisioning timeout ran out. */
    PROVISIONING_TIMEOUT(null),
    /** failed: teardown did not finish in time; deleting again is allowed. */
    TEARDOWN_TIMEOUT(null),
    /** terminating: the owner asked for the deletion; teardown runs. */
    DELETION_REQUESTED("deletion requested"),
    /** deleted at once, nothing torn down (delete --force). */
    FORCE_DELETED("force-deleted: no resources were deleted"),
    /** deleted: teardown completed. */
    TEARDOWN_COMPLETED("teardown completed");

    private final String text;

    ReasonCode(String text) {
        this.text = text;
    }

    /** The reason text that goes with this code when it has a fixed one; null when the text depends on the case. */
    public String text() {
        return text;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A code this version does not know reads as none: producers may add codes (a compatible change). */
    @JsonCreator
    public static ReasonCode fromWire(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}

package dev.byoc.contracts.lifecycle;

/** Why a cluster is failed; decides what may bring it back. */
public enum FailureCause {
    /** A check failed: only a new validation (after an edit) can clear it; health never does. */
    VALIDATION,
    /** EKS reported unhealthy: N consecutive healthy observations bring it back. */
    HEALTH,
    /** Still pending after the provisioning timeout: recovers like HEALTH. */
    PROVISIONING_TIMEOUT,
    /** Teardown did not finish in time: the user may delete again. */
    TEARDOWN_TIMEOUT
}

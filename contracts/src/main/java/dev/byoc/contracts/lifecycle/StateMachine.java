package dev.byoc.contracts.lifecycle;

import static dev.byoc.contracts.lifecycle.ClusterStatus.DELETED;
import static dev.byoc.contracts.lifecycle.ClusterStatus.FAILED;
import static dev.byoc.contracts.lifecycle.ClusterStatus.PENDING;
import static dev.byoc.contracts.lifecycle.ClusterStatus.QUEUED;
import static dev.byoc.contracts.lifecycle.ClusterStatus.RUNNING;
import static dev.byoc.contracts.lifecycle.ClusterStatus.TERMINATING;

import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.CommandRejected;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.event.RotationFailed;
import dev.byoc.contracts.event.RotationRequested;
import dev.byoc.contracts.event.RotationValidated;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.TimedOut;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.contracts.event.ValidationStarted;
import dev.byoc.contracts.event.VerifyRequested;

/**
 * The cluster lifecycle of DESIGN §4 as one pure function {@code (state, event) -> state}.
 *
 * <pre>
 * queued ──► pending ──► running ◄──► failed
 *    └──────────┴───────────┴─────┬──────┘
 *                                 ▼
 *                            terminating ──► deleted
 * </pre>
 *
 * Never throws for an event that does not fit: it returns {@link Transition#legal()} false.
 */
public final class StateMachine {

    /** Consecutive observations needed to recover / to fail (no flapping). */
    public record Thresholds(int healthyToRecover, int unhealthyToFail) {
        public static final Thresholds DEFAULT = new Thresholds(3, 2);
    }

    private final Thresholds thresholds;

    public StateMachine(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public StateMachine() {
        this(Thresholds.DEFAULT);
    }

    public Transition apply(ClusterState state, EventData event) {
        ClusterStatus status = state.status();
        if (status == null && !(event instanceof ClusterRequested)) {
            return Transition.illegal(state);
        }
        if (event instanceof ClusterRequested requested) {
            return status == null
                    ? Transition.of(state, state.withName(requested.name()).to(QUEUED, ReasonCode.REQUESTED, null))
                    : Transition.illegal(state);
        }
        if (event instanceof StatusChanged || event instanceof CommandRejected) {
            // the machine's own output and command answers carry no new fact
            return Transition.of(state, state);
        }
        if (status == DELETED) {
            return Transition.illegal(state);
        }
        if (event instanceof ClusterDeleted deleted) {
            return deleted.force()
                    ? Transition.of(state, state.to(DELETED, ReasonCode.FORCE_DELETED, null))
                    : status == TERMINATING ? Transition.of(state, state)
                    : Transition.of(state, state.to(TERMINATING, ReasonCode.DELETION_REQUESTED, null));
        }
        if (event instanceof TeardownCompleted) {
            boolean tearingDown = status == TERMINATING
                    || (status == FAILED && state.failureCause() == FailureCause.TEARDOWN_TIMEOUT);
            return tearingDown ? Transition.of(state, state.to(DELETED, ReasonCode.TEARDOWN_COMPLETED, null))
                    : Transition.illegal(state);
        }
        if (event instanceof TimedOut timedOut) {
            // before the guard below: the teardown timeout is the one clock that runs while terminating
            return timedOut(state, timedOut);
        }
        if (status == TERMINATING || (status == FAILED && state.failureCause() == FailureCause.TEARDOWN_TIMEOUT)) {
            // nothing but teardown (or a new delete) matters once deletion began
            return Transition.illegal(state);
        }
        if (event instanceof ClusterUpdated) {
            return Transition.of(state, state.withValidated(false));
        }
        if (event instanceof VerifyRequested) {
            // a request, not a fact: the validation it asks for moves the status (validation-started, then the report)
            return Transition.of(state, state);
        }
        if (event instanceof RotationRequested || event instanceof RotationValidated || event instanceof RotationFailed) {
            // a candidate role is judged while the cluster keeps running on its current one: its report moves no
            // status (a validated rotation becomes an updated event, which re-validates like any edit)
            return Transition.of(state, state);
        }
        if (event instanceof ValidationStarted) {
            return switch (status) {
                case QUEUED -> Transition.of(state, state.to(PENDING, ReasonCode.VALIDATING, null));
                case FAILED -> state.failureCause() == FailureCause.VALIDATION
                        ? Transition.of(state, state.to(PENDING, ReasonCode.REVALIDATING, null))
                        : Transition.of(state, state);
                default -> Transition.of(state, state);
            };
        }
        if (event instanceof Validated) {
            ClusterState validated = state.withValidated(true);
            return switch (status) {
                case QUEUED -> Transition.of(state, validated.to(PENDING, ReasonCode.AWAITING_EKS, null));
                case PENDING -> Transition.of(state, validated.to(PENDING, ReasonCode.AWAITING_EKS, null));
                case FAILED -> state.failureCause() == FailureCause.VALIDATION
                        ? Transition.of(state, validated.to(PENDING, ReasonCode.AWAITING_EKS, null))
                        : Transition.of(state, validated);
                default -> Transition.of(state, validated);
            };
        }
        if (event instanceof ValidationFailed failed) {
            return Transition.of(state, state.withValidated(false).to(FAILED, ReasonCode.VALIDATION_FAILED, failed.reason(), FailureCause.VALIDATION));
        }
        if (event instanceof HealthObserved observed) {
            return observe(state, observed);
        }
        return Transition.illegal(state);
    }

    /**
     * {@link #apply} for a cluster whose current status began at {@code statusSince}: a
     * {@link TimedOut} set for an earlier stay in the status (the cluster left it and came back
     * before the deadline fired) is stale — legal, without effect.
     */
    public Transition apply(ClusterState state, EventData event, java.time.Instant statusSince) {
        if (event instanceof TimedOut timedOut && statusSince != null && state.status() != null
                && !timedOut.statusSince().equals(statusSince)) {
            return Transition.of(state, state);
        }
        return apply(state, event);
    }

    /**
     * Whether the cluster's EKS health is the platform's to judge now: not before validation (the
     * access is unproven), nor once a teardown timed out (deletion began).
     */
    public static boolean judgesHealth(ClusterState state) {
        return state.validated() && state.failureCause() != FailureCause.TEARDOWN_TIMEOUT;
    }

    /**
     * Whether an observation that repeats the last one still counts: a streak toward recovering
     * (failed) or toward failing (running) is under way, and only repeated observations finish it.
     */
    public static boolean countsRepeatedObservation(ClusterState state) {
        return (state.status() == FAILED && state.healthyStreak() > 0)
                || (state.status() == RUNNING && state.unhealthyStreak() > 0);
    }

    /**
     * The monitor's clock: pending too long fails ({@link FailureCause#PROVISIONING_TIMEOUT}); terminating too
     * long fails ({@link FailureCause#TEARDOWN_TIMEOUT}) and may be deleted again. Any other status is illegal.
     * The same rule as applying a {@link TimedOut} that names the cluster's current status.
     */
    public Transition timedOut(ClusterState state, String reason) {
        if (state.status() == PENDING) {
            return Transition.of(state, state.to(FAILED, ReasonCode.PROVISIONING_TIMEOUT, reason, FailureCause.PROVISIONING_TIMEOUT));
        }
        if (state.status() == TERMINATING) {
            return Transition.of(state, state.to(FAILED, ReasonCode.TEARDOWN_TIMEOUT, reason, FailureCause.TEARDOWN_TIMEOUT));
        }
        return Transition.illegal(state);
    }

    /**
     * A {@link TimedOut} fact: the timeout rule when the cluster is still in the status the deadline was set
     * for; once it has moved on, a deadline that lost a race, legal and without effect. One naming a status
     * that never times out is illegal.
     */
    private Transition timedOut(ClusterState state, TimedOut timedOut) {
        if (timedOut.status() != PENDING && timedOut.status() != TERMINATING) {
            return Transition.illegal(state);
        }
        return timedOut.status() == state.status() ? timedOut(state, timedOut.reason()) : Transition.of(state, state);
    }

    private Transition observe(ClusterState state, HealthObserved observed) {
        HealthObserved.EksStatus eks = observed.eksStatus();
        if (eks == HealthObserved.EksStatus.ERROR || !state.validated()) {
            // a failed API call says nothing about the cluster; before validation health is not ours to judge
            return Transition.of(state, state.withObservation(eks, state.healthyStreak(), state.unhealthyStreak()));
        }
        boolean healthy = eks.healthy();
        boolean unhealthy = !healthy && !eks.provisioning();
        int healthyStreak = healthy ? state.healthyStreak() + 1 : 0;
        int unhealthyStreak = unhealthy ? state.unhealthyStreak() + 1 : 0;
        ClusterState counted = state.withObservation(eks, healthyStreak, unhealthyStreak);
        String why = describe(state.name(), observed);
        return switch (state.status()) {
            case PENDING -> healthy ? Transition.of(state, counted.to(RUNNING, ReasonCode.EKS_ACTIVE, "EKS cluster is " + eks, null))
                    : unhealthy ? Transition.of(state, counted.to(FAILED, unhealthyCode(eks), why, FailureCause.HEALTH))
                    : Transition.of(state, counted);
            case RUNNING -> unhealthyStreak >= thresholds.unhealthyToFail()
                    ? Transition.of(state, counted.to(FAILED, unhealthyCode(eks), why, FailureCause.HEALTH))
                    : Transition.of(state, counted);
            case FAILED -> state.failureCause() != FailureCause.VALIDATION
                    && healthyStreak >= thresholds.healthyToRecover()
                    ? Transition.of(state, counted.to(RUNNING, ReasonCode.EKS_RECOVERED, "EKS cluster is " + eks + " again", null))
                    : Transition.of(state, counted);
            default -> Transition.of(state, counted);
        };
    }

    private static ReasonCode unhealthyCode(HealthObserved.EksStatus eks) {
        return switch (eks) {
            case NOT_FOUND -> ReasonCode.EKS_NOT_FOUND;
            case ROLE_NOT_ASSUMABLE -> ReasonCode.ROLE_NOT_ASSUMABLE;
            case FAILED -> ReasonCode.EKS_FAILED;
            case DELETING -> ReasonCode.EKS_DELETED_OUTSIDE;
            default -> ReasonCode.EKS_UNHEALTHY;
        };
    }

    private static String describe(String name, HealthObserved observed) {
        return switch (observed.eksStatus()) {
            case NOT_FOUND -> "EKS cluster not found: " + observed.detail();
            case ROLE_NOT_ASSUMABLE -> "the platform can no longer assume the role: " + observed.detail();
            case FAILED -> "EKS reports the cluster FAILED: " + observed.detail();
            case DELETING -> "EKS cluster is being deleted outside the platform: " + observed.detail();
            default -> "EKS cluster is " + observed.eksStatus() + ": " + observed.detail();
        };
    }
}

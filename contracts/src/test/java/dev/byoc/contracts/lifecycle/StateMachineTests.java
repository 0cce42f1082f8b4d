package dev.byoc.contracts.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterDeleted;
import dev.byoc.contracts.event.ClusterRequested;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.VerifyRequested;
import dev.byoc.contracts.event.RotationFailed;
import dev.byoc.contracts.event.RotationRequested;
import dev.byoc.contracts.event.RotationValidated;
import dev.byoc.contracts.event.CommandRejected;
import dev.byoc.contracts.event.DeleteCommand;
import dev.byoc.contracts.event.EventData;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.HealthObserved;
import dev.byoc.contracts.event.HealthObserved.EksStatus;
import dev.byoc.contracts.event.StatusChanged;
import dev.byoc.contracts.event.TeardownCompleted;
import dev.byoc.contracts.event.TimedOut;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import dev.byoc.contracts.event.ValidationStarted;
import dev.byoc.contracts.spec.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transition table of DESIGN §4 (and contracts/README.md), every (status, event) pair.
 * A cell is the status after the event; {@code failed/<cause>} also names the failure cause;
 * a trailing {@code !} marks an illegal event: the state is returned unchanged with legal = false.
 * The {@code timed-out} column is a {@link TimedOut} naming {@code pending} (the provisioning timeout): it fails
 * the two pending rows and is a legal no-op everywhere else; the teardown timeout has its own tests below.
 */
class StateMachineTests {

    private static final String TABLE = """
            state               | requested    | updated           | verify-requested  | rotation-requested | rotation-validated | rotation-failed   | deleted     | force-deleted | validation-started | validated     | validation-failed | teardown-completed | healthy           | unhealthy         | timed-out                   | status-changed          | command-rejected
            none                | queued       | none!             | none!             | none!              | none!              | none!              | none!       | none!         | none!              | none!         | none!             | none!              | none!             | none!             | none!                       | none!                   | none!
            queued              | queued!      | queued            | queued            | queued             | queued             | queued             | terminating | deleted       | pending            | pending       | failed/validation | queued!            | queued            | queued            | queued                      | queued                  | queued
            pending(validating) | pending!     | pending           | pending           | pending            | pending            | pending            | terminating | deleted       | pending            | pending       | failed/validation | pending!           | pending           | pending           | failed/provisioning_timeout | pending                 | pending
            pending(validated)  | pending!     | pending           | pending           | pending            | pending            | pending            | terminating | deleted       | pending            | pending       | failed/validation | pending!           | running           | failed/health     | failed/provisioning_timeout | pending                 | pending
            running             | running!     | running           | running           | running            | running            | running            | terminating | deleted       | running            | running       | failed/validation | running!           | running           | running           | running                     | running                 | running
            failed(validation)  | failed!      | failed/validation | failed/validation | failed/validation  | failed/validation  | failed/validation  | terminating | deleted       | pending            | pending       | failed/validation | failed!            | failed/validation | failed/validation | failed/validation           | failed/validation       | failed/validation
            failed(health)      | failed!      | failed/health     | failed/health     | failed/health      | failed/health      | failed/health      | terminating | deleted       | failed/health      | failed/health | failed/validation | failed!            | failed/health     | failed/health     | failed/health               | failed/health           | failed/health
            terminating         | terminating! | terminating!      | terminating!      | terminating!       | terminating!       | terminating!       | terminating | deleted       | terminating!       | terminating!  | terminating!      | deleted            | terminating!      | terminating!      | terminating                 | terminating             | terminating
            failed(teardown)    | failed!      | failed!           | failed!           | failed!            | failed!            | failed!            | terminating | deleted       | failed!            | failed!       | failed!           | deleted            | failed!           | failed!           | failed/teardown_timeout     | failed/teardown_timeout | failed/teardown_timeout
            deleted             | deleted!     | deleted!          | deleted!          | deleted!           | deleted!           | deleted!           | deleted!    | deleted!      | deleted!           | deleted!      | deleted!          | deleted!           | deleted!          | deleted!          | deleted!                    | deleted                 | deleted
            """;

    private static final UUID ID = UUID.fromString("3f9a6c2e-8d41-4b7a-a5e3-1c2d4e6f8a90");
    private static final Instant T = Instant.parse("2025-03-14T09:26:53.589Z");
    private static final ClusterSpec SPEC = new ClusterSpec("us-east-1", "arn:aws:iam::111122223333:role/byoc-demo-01",
            "byoc-demo-01-bucket", "demo-01",
            List.of(new ClusterSpec.InstanceType("m5.xlarge", 0)), ClusterSpec.PROFILE_DEFAULT, false);

    static final ClusterRequested REQUESTED = new ClusterRequested(ID, "demo-01", "alice", SPEC, T);
    static final ClusterUpdated UPDATED = new ClusterUpdated(ID, "demo-01", "alice", SPEC, List.of("instanceTypes"), T);
    static final ClusterDeleted DELETED = new ClusterDeleted(ID, "demo-01", "alice", SPEC, false, T);
    static final VerifyRequested VERIFY_REQUESTED = new VerifyRequested(ID, "demo-01", "alice", SPEC,
            VerifyRequested.Trigger.USER, T);
    static final RotationRequested ROTATION_REQUESTED = new RotationRequested(ID, "demo-01", "alice", SPEC,
            "arn:aws:iam::111122223333:role/byoc-demo-01-2025", T);
    static final RotationValidated ROTATION_VALIDATED = new RotationValidated(ID, "cause",
            "arn:aws:iam::111122223333:role/byoc-demo-01-2025", SPEC.roleArn(), List.of(Check.pass("assume-role", "ok")), T);
    static final RotationFailed ROTATION_FAILED = new RotationFailed(ID, "cause",
            "arn:aws:iam::111122223333:role/byoc-demo-01-2025", SPEC.roleArn(),
            List.of(Check.fail("assume-role", "AccessDenied", "trust the platform")), "rotation failed: assume-role", T);
    static final ClusterDeleted FORCE_DELETED = new ClusterDeleted(ID, "demo-01", "alice", SPEC, true, T);
    static final ValidationStarted VALIDATION_STARTED = new ValidationStarted(ID, "cause", T);
    static final Validated VALIDATED = new Validated(ID, "cause", List.of(Check.pass("assume-role", "ok")), T);
    static final ValidationFailed VALIDATION_FAILED = new ValidationFailed(ID, "cause",
            List.of(Check.fail("external-id-enforced", "open trust policy", "add sts:ExternalId")),
            "external-id-enforced: the role can be assumed without the external ID", T);
    static final TeardownCompleted TEARDOWN = new TeardownCompleted(ID, "cause", List.of(), List.of(), "terraform destroy", T);
    static final StatusChanged STATUS_CHANGED = new StatusChanged(ID, "demo-01", ClusterStatus.QUEUED, ClusterStatus.PENDING,
            "validating", ReasonCode.VALIDATING, "cause", T);
    static final CommandRejected COMMAND_REJECTED = new CommandRejected(ID, "demo-01", "corr",
            EventTypes.UPDATE_COMMAND.type(), List.of(new Violation("spec.driver.kubernetes.aws.region", "cannot be edited")), T);

    @Test
    void everyTransitionNamesItsReasonCodeAndAFixedCodeBringsItsOwnText() {
        for (var entry : STATES.entrySet()) {
            for (EventData event : EVENTS.values()) {
                Transition t = machine.apply(entry.getValue().get(), event);
                if (t.legal() && t.next().status() != null && t.next().status() != entry.getValue().get().status()) {
                    assertThat(t.next().reasonCode()).as(entry.getKey() + " + " + event.getClass().getSimpleName()).isNotNull();
                    if (t.next().reasonCode().text() != null) {
                        assertThat(t.next().reason()).isEqualTo(t.next().reasonCode().text());
                    }
                }
            }
        }
        assertThat(ReasonCode.fromWire("force-deleted")).isEqualTo(ReasonCode.FORCE_DELETED);
        assertThat(ReasonCode.EKS_DELETED_OUTSIDE.wire()).isEqualTo("eks-deleted-outside");
        assertThat(ReasonCode.fromWire("a-code-from-a-newer-monitor")).as("unknown reads as none").isNull();
    }

    @Test
    void aTimeoutSetForAnEarlierStayInTheStatusIsStale() {
        ClusterState pending = reach(REQUESTED, VALIDATION_STARTED);
        Transition same = machine.apply(pending, PROVISIONING_TIMED_OUT, T);
        assertThat(same.next().status()).isEqualTo(ClusterStatus.FAILED);
        Transition stale = machine.apply(pending, PROVISIONING_TIMED_OUT, T.plusSeconds(60));
        assertThat(stale.legal()).isTrue();
        assertThat(stale.next()).isEqualTo(pending);
    }

    @Test
    void healthIsJudgedOnlyOnceValidatedAndNeverAfterATeardownTimedOut() {
        assertThat(StateMachine.judgesHealth(reach(REQUESTED, VALIDATION_STARTED))).isFalse();
        assertThat(StateMachine.judgesHealth(reach(REQUESTED, VALIDATION_STARTED, VALIDATED))).isTrue();
        assertThat(StateMachine.judgesHealth(STATES.get("failed(teardown)").get())).isFalse();
    }

    @Test
    void aRepeatedObservationCountsOnlyWhileAStreakIsUnderWay() {
        ClusterState running = STATES.get("running").get();
        assertThat(StateMachine.countsRepeatedObservation(running)).isFalse();
        assertThat(StateMachine.countsRepeatedObservation(machine.apply(running, UNHEALTHY).next())).isTrue();
        ClusterState failed = STATES.get("failed(health)").get();
        assertThat(StateMachine.countsRepeatedObservation(failed)).isFalse();
        assertThat(StateMachine.countsRepeatedObservation(machine.apply(failed, HEALTHY).next())).isTrue();
    }

    static TimedOut timedOut(ClusterStatus status, String reason) {
        return new TimedOut(ID, status, T, "PT30M", reason, T.plusSeconds(1800));
    }

    static final TimedOut PROVISIONING_TIMED_OUT = timedOut(ClusterStatus.PENDING, "provisioning timed out after 30m");
    static final TimedOut TEARDOWN_TIMED_OUT = timedOut(ClusterStatus.TERMINATING, "teardown timed out after 30m");

    static HealthObserved health(EksStatus status) {
        return new HealthObserved(ID, status, status.healthy(), "EKS says " + status, T);
    }

    static final HealthObserved HEALTHY = health(EksStatus.ACTIVE);
    static final HealthObserved UNHEALTHY = health(EksStatus.FAILED);

    /** Column name → event; "healthy"/"unhealthy" split health-observed. */
    static final Map<String, EventData> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put("requested", REQUESTED);
        EVENTS.put("updated", UPDATED);
        EVENTS.put("verify-requested", VERIFY_REQUESTED);
        EVENTS.put("rotation-requested", ROTATION_REQUESTED);
        EVENTS.put("rotation-validated", ROTATION_VALIDATED);
        EVENTS.put("rotation-failed", ROTATION_FAILED);
        EVENTS.put("deleted", DELETED);
        EVENTS.put("force-deleted", FORCE_DELETED);
        EVENTS.put("validation-started", VALIDATION_STARTED);
        EVENTS.put("validated", VALIDATED);
        EVENTS.put("validation-failed", VALIDATION_FAILED);
        EVENTS.put("teardown-completed", TEARDOWN);
        EVENTS.put("healthy", HEALTHY);
        EVENTS.put("unhealthy", UNHEALTHY);
        EVENTS.put("timed-out", PROVISIONING_TIMED_OUT);
        EVENTS.put("status-changed", STATUS_CHANGED);
        EVENTS.put("command-rejected", COMMAND_REJECTED);
    }

    private final StateMachine machine = new StateMachine();

    /** Reaches a state the way production does: by applying legal events from the start. */
    static ClusterState reach(EventData... events) {
        StateMachine machine = new StateMachine();
        ClusterState state = ClusterState.initial(ID);
        for (EventData event : events) {
            Transition transition = machine.apply(state, event);
            if (!transition.legal()) {
                throw new IllegalStateException("setup event " + event + " was illegal in " + state);
            }
            state = transition.next();
        }
        return state;
    }

    static final Map<String, Supplier<ClusterState>> STATES = new LinkedHashMap<>();

    static {
        STATES.put("none", () -> ClusterState.initial(ID));
        STATES.put("queued", () -> reach(REQUESTED));
        STATES.put("pending(validating)", () -> reach(REQUESTED, VALIDATION_STARTED));
        STATES.put("pending(validated)", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATED));
        STATES.put("running", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY));
        STATES.put("failed(validation)", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED));
        STATES.put("failed(health)", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, UNHEALTHY, UNHEALTHY));
        STATES.put("terminating", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, DELETED));
        STATES.put("failed(teardown)", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, DELETED, TEARDOWN_TIMED_OUT));
        STATES.put("deleted", () -> reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, DELETED, TEARDOWN));
    }

    static List<List<String>> rows() {
        return TABLE.lines().filter(l -> !l.isBlank())
                .map(l -> Arrays.stream(l.split("\\|")).map(String::trim).toList())
                .toList();
    }

    static Stream<Arguments> table() {
        List<List<String>> rows = rows();
        List<String> header = rows.get(0);
        List<Arguments> cells = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            for (int i = 1; i < header.size(); i++) {
                cells.add(Arguments.of(row.get(0), header.get(i), row.get(i)));
            }
        }
        return cells.stream();
    }

    @Test
    void tableCoversEveryStatusAndEveryClusterEventType() {
        List<List<String>> rows = rows();
        assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(EVENTS.size() + 1));
        assertThat(rows.get(0).subList(1, rows.get(0).size())).containsExactlyElementsOf(EVENTS.keySet());
        assertThat(rows.stream().skip(1).map(r -> r.get(0))).containsExactlyElementsOf(STATES.keySet());
        assertThat(EVENTS.values().stream().map(e -> EventTypes.of(e.getClass()).orElseThrow()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(EventTypes.CLUSTER_EVENTS.stream().filter(t -> !t.legacy()).toList());
        // every status of the product, plus "never requested"
        assertThat(STATES.values().stream().map(s -> s.get().status()).collect(Collectors.toSet()))
                .containsAll(List.of(ClusterStatus.values()))
                .contains((ClusterStatus) null);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("table")
    void transition(String from, String event, String expected) {
        ClusterState state = STATES.get(from).get();
        Transition transition = machine.apply(state, EVENTS.get(event));

        boolean illegal = expected.endsWith("!");
        String target = illegal ? expected.substring(0, expected.length() - 1) : expected;
        assertThat(transition.previous()).isSameAs(state);
        String cell = from + " + " + event + " -> " + expected;
        assertThat(transition.legal()).as("%s: legal", cell).isEqualTo(!illegal);
        if (illegal) {
            assertThat(transition.next()).as("%s: an illegal event changes nothing", cell).isSameAs(state);
        }
        String[] parts = target.split("/");
        ClusterStatus status = parts[0].equals("none") ? null : ClusterStatus.valueOf(parts[0].toUpperCase());
        assertThat(transition.next().status()).as("%s: status", cell).isEqualTo(status);
        if (parts.length > 1) {
            assertThat(transition.next().failureCause()).as("%s: failure cause", cell).isEqualTo(FailureCause.valueOf(parts[1].toUpperCase()));
        }
        assertThat(transition.statusChanged()).isEqualTo(state.status() != status);
        assertThat(transition.next().clusterId()).isEqualTo(ID);
    }

    // ---- what the table does not show ----

    @Test
    void requestedNamesTheClusterAndStartsWithoutReason() {
        Transition t = machine.apply(ClusterState.initial(ID), REQUESTED);
        assertThat(t.next().name()).isEqualTo("demo-01");
        assertThat(t.next().validated()).isFalse();
        assertThat(t.statusChanged()).isTrue();
    }

    @Test
    void validationFailureReasonBecomesTheStatusReason() {
        ClusterState failed = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED);
        assertThat(failed.reason()).isEqualTo(VALIDATION_FAILED.reason());
        assertThat(failed.reasonCode()).isEqualTo(ReasonCode.VALIDATION_FAILED);
        assertThat(failed.validated()).isFalse();
    }

    @Test
    void forceDeleteSaysNothingWasDeleted() {
        assertThat(machine.apply(reach(REQUESTED), FORCE_DELETED).next().reason()).contains("no resources were deleted");
        assertThat(machine.apply(reach(REQUESTED), FORCE_DELETED).next().reasonCode()).isEqualTo(ReasonCode.FORCE_DELETED);
    }

    @Test
    void runningFailsOnlyAfterConsecutiveUnhealthyObservations() {
        ClusterState running = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        assertThat(StateMachine.Thresholds.DEFAULT.unhealthyToFail()).isEqualTo(2);

        ClusterState once = machine.apply(running, UNHEALTHY).next();
        assertThat(once.status()).isEqualTo(ClusterStatus.RUNNING);
        assertThat(once.unhealthyStreak()).isEqualTo(1);

        // a healthy observation in between resets the streak
        ClusterState interrupted = machine.apply(machine.apply(once, HEALTHY).next(), UNHEALTHY).next();
        assertThat(interrupted.status()).isEqualTo(ClusterStatus.RUNNING);

        Transition twice = machine.apply(once, health(EksStatus.NOT_FOUND));
        assertThat(twice.next().status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(twice.next().failureCause()).isEqualTo(FailureCause.HEALTH);
        assertThat(twice.next().reason()).contains("EKS cluster not found");
        assertThat(twice.next().reasonCode()).isEqualTo(ReasonCode.EKS_NOT_FOUND);
        assertThat(twice.next().unhealthyStreak()).as("streaks restart with the new status").isZero();
    }

    @Test
    void apiErrorsNeitherCountNorBreakAStreak() {
        ClusterState running = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        ClusterState state = running;
        for (EksStatus status : List.of(EksStatus.FAILED, EksStatus.ERROR, EksStatus.ERROR)) {
            state = machine.apply(state, health(status)).next();
        }
        assertThat(state.status()).isEqualTo(ClusterStatus.RUNNING);
        assertThat(state.unhealthyStreak()).isEqualTo(1);
        assertThat(machine.apply(state, UNHEALTHY).next().status()).isEqualTo(ClusterStatus.FAILED);
    }

    @Test
    void failedByHealthRecoversOnlyAfterConsecutiveHealthyObservations() {
        ClusterState failed = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, UNHEALTHY, UNHEALTHY);
        assertThat(StateMachine.Thresholds.DEFAULT.healthyToRecover()).isEqualTo(3);

        ClusterState state = failed;
        // two healthy, then an unhealthy one resets the streak
        for (EventData e : List.of(HEALTHY, HEALTHY, UNHEALTHY, HEALTHY, HEALTHY)) {
            Transition t = machine.apply(state, e);
            assertThat(t.legal()).isTrue();
            assertThat(t.next().status()).isEqualTo(ClusterStatus.FAILED);
            state = t.next();
        }
        assertThat(state.healthyStreak()).isEqualTo(2);

        Transition third = machine.apply(state, health(EksStatus.UPDATING));
        assertThat(third.next().status()).isEqualTo(ClusterStatus.RUNNING);
        assertThat(third.next().failureCause()).isNull();
        assertThat(third.next().reason()).contains("again");
        assertThat(third.next().reasonCode()).isEqualTo(ReasonCode.EKS_RECOVERED);
    }

    @Test
    void thresholdsAreConfigurable() {
        StateMachine patient = new StateMachine(new StateMachine.Thresholds(1, 4));
        ClusterState state = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        for (int i = 1; i <= 3; i++) {
            state = patient.apply(state, UNHEALTHY).next();
            assertThat(state.status()).as("after %d unhealthy", i).isEqualTo(ClusterStatus.RUNNING);
        }
        state = patient.apply(state, UNHEALTHY).next();
        assertThat(state.status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(patient.apply(state, HEALTHY).next().status()).as("recovers after 1").isEqualTo(ClusterStatus.RUNNING);
    }

    @Test
    void failedByValidationStaysFailedHoweverHealthyEksIs() {
        ClusterState state = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED);
        for (int i = 0; i < 10; i++) {
            Transition t = machine.apply(state, HEALTHY);
            assertThat(t.legal()).isTrue();
            state = t.next();
            assertThat(state.status()).isEqualTo(ClusterStatus.FAILED);
            assertThat(state.failureCause()).isEqualTo(FailureCause.VALIDATION);
        }
        assertThat(state.reason()).isEqualTo(VALIDATION_FAILED.reason());
    }

    @Test
    void anEditRevalidatesAFailedCluster() {
        ClusterState state = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED, UPDATED, VALIDATION_STARTED);
        assertThat(state.status()).isEqualTo(ClusterStatus.PENDING);
        state = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED, UPDATED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        assertThat(state.status()).isEqualTo(ClusterStatus.RUNNING);
    }

    @Test
    void aVerifyRevalidatesAFailedClusterWithoutAnEditAndAFailingOneFailsARunningCluster() {
        ClusterState back = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED, VERIFY_REQUESTED, VALIDATION_STARTED);
        assertThat(back.status()).isEqualTo(ClusterStatus.PENDING);
        assertThat(back.reasonCode()).isEqualTo(ReasonCode.REVALIDATING);
        back = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED, VERIFY_REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        assertThat(back.status()).isEqualTo(ClusterStatus.RUNNING);
        // drift: a running cluster re-verified on schedule whose trust policy opened since
        ClusterState drifted = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, VERIFY_REQUESTED, VALIDATION_STARTED,
                VALIDATION_FAILED);
        assertThat(drifted.status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(drifted.failureCause()).isEqualTo(FailureCause.VALIDATION);
        // and a running cluster whose checks still pass stays running, still judged by its health
        ClusterState still = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, VERIFY_REQUESTED, VALIDATION_STARTED, VALIDATED);
        assertThat(still.status()).isEqualTo(ClusterStatus.RUNNING);
        assertThat(still.validated()).isTrue();
    }

    @Test
    void aRotationNeverMovesTheStatusNorTheValidationItsEditTriggersDoes() {
        // a failed candidate leaves a running cluster running, still validated and judged by its health
        ClusterState running = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, ROTATION_REQUESTED, ROTATION_FAILED);
        assertThat(running.status()).isEqualTo(ClusterStatus.RUNNING);
        assertThat(running.validated()).isTrue();
        assertThat(running.reason()).isNotEqualTo(ROTATION_FAILED.reason());
        // a validated one changes nothing until the registry's updated, which re-validates like any edit
        ClusterState switched = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, ROTATION_REQUESTED, ROTATION_VALIDATED);
        assertThat(switched).isEqualTo(reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY));
        assertThat(reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, ROTATION_REQUESTED, ROTATION_VALIDATED, UPDATED,
                VALIDATION_STARTED, VALIDATED).status()).isEqualTo(ClusterStatus.RUNNING);
        // nor does a failed cluster's rotation bring it back: only the validation after the switch can
        ClusterState failed = reach(REQUESTED, VALIDATION_STARTED, VALIDATION_FAILED, ROTATION_REQUESTED, ROTATION_VALIDATED);
        assertThat(failed.status()).isEqualTo(ClusterStatus.FAILED);
    }

    @Test
    void healthIsNotJudgedBeforeValidation() {
        ClusterState pending = reach(REQUESTED, VALIDATION_STARTED);
        for (EksStatus status : EksStatus.values()) {
            assertThat(machine.apply(pending, health(status)).next().status()).as(status.name()).isEqualTo(ClusterStatus.PENDING);
        }
        // an edit makes a running cluster unvalidated again: observations wait for the new validation
        ClusterState edited = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, UPDATED);
        assertThat(edited.validated()).isFalse();
        ClusterState afterTwo = machine.apply(machine.apply(edited, UNHEALTHY).next(), UNHEALTHY).next();
        assertThat(afterTwo.status()).isEqualTo(ClusterStatus.RUNNING);
    }

    @ParameterizedTest
    @EnumSource(value = EksStatus.class, names = {"CREATING", "PENDING", "ERROR"})
    void aValidatedPendingClusterKeepsWaitingWhileEksComesUp(EksStatus status) {
        ClusterState pending = reach(REQUESTED, VALIDATION_STARTED, VALIDATED);
        Transition t = machine.apply(pending, health(status));
        assertThat(t.legal()).isTrue();
        assertThat(t.next().status()).isEqualTo(ClusterStatus.PENDING);
    }

    @ParameterizedTest
    @EnumSource(value = EksStatus.class, names = {"FAILED", "DELETING", "NOT_FOUND", "ROLE_NOT_ASSUMABLE"})
    void aValidatedPendingClusterFailsOnWhatEksReports(EksStatus status) {
        Transition t = machine.apply(reach(REQUESTED, VALIDATION_STARTED, VALIDATED), health(status));
        assertThat(t.next().status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(t.next().failureCause()).isEqualTo(FailureCause.HEALTH);
        assertThat(t.next().reason()).contains("EKS says " + status);
    }

    @Test
    void pendingTimesOutToFailedAndRecoversLikeHealth() {
        ClusterState pending = reach(REQUESTED, VALIDATION_STARTED, VALIDATED);
        Transition timeout = machine.timedOut(pending, "provisioning timed out after 30m");
        assertThat(timeout.legal()).isTrue();
        assertThat(timeout.next().status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(timeout.next().failureCause()).isEqualTo(FailureCause.PROVISIONING_TIMEOUT);
        assertThat(timeout.next().reason()).isEqualTo("provisioning timed out after 30m");
        assertThat(timeout.next().reasonCode()).isEqualTo(ReasonCode.PROVISIONING_TIMEOUT);

        ClusterState state = timeout.next();
        for (int i = 0; i < StateMachine.Thresholds.DEFAULT.healthyToRecover(); i++) {
            state = machine.apply(state, HEALTHY).next();
        }
        assertThat(state.status()).isEqualTo(ClusterStatus.RUNNING);
    }

    @Test
    void terminatingTimesOutToFailedAndMayBeDeletedAgain() {
        ClusterState terminating = reach(REQUESTED, DELETED);
        Transition timeout = machine.timedOut(terminating, "teardown timed out");
        assertThat(timeout.next().status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(timeout.next().failureCause()).isEqualTo(FailureCause.TEARDOWN_TIMEOUT);

        Transition again = machine.apply(timeout.next(), DELETED);
        assertThat(again.next().status()).isEqualTo(ClusterStatus.TERMINATING);
        assertThat(machine.apply(again.next(), TEARDOWN).next().status()).isEqualTo(ClusterStatus.DELETED);
        // a late teardown of the first attempt also finishes it
        assertThat(machine.apply(timeout.next(), TEARDOWN).next().status()).isEqualTo(ClusterStatus.DELETED);
    }

    @Test
    void onlyPendingAndTerminatingTimeOut() {
        for (Map.Entry<String, Supplier<ClusterState>> entry : STATES.entrySet()) {
            ClusterState state = entry.getValue().get();
            Transition t = machine.timedOut(state, "timed out");
            boolean clocked = state.status() == ClusterStatus.PENDING || state.status() == ClusterStatus.TERMINATING;
            assertThat(t.legal()).as(entry.getKey()).isEqualTo(clocked);
            if (!clocked) {
                assertThat(t.next()).as(entry.getKey()).isSameAs(state);
            }
        }
    }

    // ---- the timed-out fact ----

    @Test
    void pendingTimedOutEventFailsWithProvisioningTimeoutLikeTheClock() {
        for (ClusterState pending : List.of(reach(REQUESTED, VALIDATION_STARTED), reach(REQUESTED, VALIDATION_STARTED, VALIDATED))) {
            Transition t = machine.apply(pending, PROVISIONING_TIMED_OUT);
            assertThat(t).isEqualTo(machine.timedOut(pending, PROVISIONING_TIMED_OUT.reason()));
            assertThat(t.legal()).isTrue();
            assertThat(t.next().status()).isEqualTo(ClusterStatus.FAILED);
            assertThat(t.next().failureCause()).isEqualTo(FailureCause.PROVISIONING_TIMEOUT);
            assertThat(t.next().reason()).isEqualTo("provisioning timed out after 30m");
        }
    }

    @Test
    void terminatingTimedOutEventFailsWithTeardownTimeoutDespiteTheDeletionGuard() {
        ClusterState terminating = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY, DELETED);
        Transition t = machine.apply(terminating, TEARDOWN_TIMED_OUT);
        assertThat(t).isEqualTo(machine.timedOut(terminating, TEARDOWN_TIMED_OUT.reason()));
        assertThat(t.legal()).isTrue();
        assertThat(t.statusChanged()).isTrue();
        assertThat(t.next().status()).isEqualTo(ClusterStatus.FAILED);
        assertThat(t.next().failureCause()).isEqualTo(FailureCause.TEARDOWN_TIMEOUT);
        assertThat(t.next().reason()).isEqualTo("teardown timed out after 30m");

        // then as before: a new delete tears down again, a late teardown-completed finishes the first attempt
        assertThat(machine.apply(t.next(), DELETED).next().status()).isEqualTo(ClusterStatus.TERMINATING);
        assertThat(machine.apply(t.next(), TEARDOWN).next().status()).isEqualTo(ClusterStatus.DELETED);
    }

    @Test
    void aProvisioningTimeoutRecoversLikeHealth() {
        ClusterState state = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, PROVISIONING_TIMED_OUT);
        assertThat(state.failureCause()).isEqualTo(FailureCause.PROVISIONING_TIMEOUT);
        for (int i = 0; i < StateMachine.Thresholds.DEFAULT.healthyToRecover(); i++) {
            state = machine.apply(state, HEALTHY).next();
        }
        assertThat(state.status()).isEqualTo(ClusterStatus.RUNNING);
    }

    /** Every state and both timeouts: the rule where the status matches, a legal no-op where it moved on. */
    @Test
    void aTimedOutEventForAStatusTheClusterLeftIsALegalNoOp() {
        for (TimedOut event : List.of(PROVISIONING_TIMED_OUT, TEARDOWN_TIMED_OUT)) {
            for (Map.Entry<String, Supplier<ClusterState>> entry : STATES.entrySet()) {
                ClusterState state = entry.getValue().get();
                Transition t = machine.apply(state, event);
                String cell = entry.getKey() + " + timed-out(" + event.status().wire() + ")";
                if (state.status() == null || state.status() == ClusterStatus.DELETED) {
                    assertThat(t.legal()).as(cell + ": illegal like every other fact").isFalse();
                    assertThat(t.next()).as(cell).isSameAs(state);
                } else if (state.status() == event.status()) {
                    assertThat(t).as(cell + ": the timeout rule").isEqualTo(machine.timedOut(state, event.reason()));
                    assertThat(t.next().status()).as(cell).isEqualTo(ClusterStatus.FAILED);
                } else {
                    assertThat(t.legal()).as(cell + ": a deadline that lost a race is no error").isTrue();
                    assertThat(t.next()).as(cell + ": and changes nothing").isSameAs(state);
                    assertThat(t.statusChanged()).as(cell).isFalse();
                }
            }
        }
    }

    @Test
    void aDuplicateTimedOutEventChangesNothing() {
        ClusterState failed = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, PROVISIONING_TIMED_OUT);
        Transition again = machine.apply(failed, PROVISIONING_TIMED_OUT);
        assertThat(again.legal()).isTrue();
        assertThat(again.next()).isSameAs(failed);

        ClusterState teardownFailed = reach(REQUESTED, DELETED, TEARDOWN_TIMED_OUT);
        assertThat(machine.apply(teardownFailed, TEARDOWN_TIMED_OUT).next()).isSameAs(teardownFailed);
    }

    @Test
    void aTimedOutEventNamingAStatusThatNeverTimesOutIsIllegal() {
        List<ClusterStatus> neverTimeOut = new ArrayList<>(Arrays.asList(ClusterStatus.QUEUED, ClusterStatus.RUNNING,
                ClusterStatus.FAILED, ClusterStatus.DELETED));
        neverTimeOut.add(null);
        for (ClusterStatus named : neverTimeOut) {
            TimedOut event = timedOut(named, "timed out");
            for (Map.Entry<String, Supplier<ClusterState>> entry : STATES.entrySet()) {
                ClusterState state = entry.getValue().get();
                Transition t = machine.apply(state, event);
                assertThat(t.legal()).as(entry.getKey() + " + timed-out(" + named + ")").isFalse();
                assertThat(t.next()).isSameAs(state);
            }
        }
    }

    @Test
    void illegalOrForeignEventsNeverThrow() {
        EventData foreign = new EventData() {
        };
        List<EventData> odd = new ArrayList<>(EVENTS.values());
        odd.add(foreign);
        odd.add(new DeleteCommand("alice", "demo-01", false));
        odd.add(new ValidationFailed(ID, null, null, null, null));
        odd.add(new HealthObserved(ID, EksStatus.FAILED, false, null, null));
        odd.add(new TimedOut(ID, null, null, null, null, null));
        odd.add(new TimedOut(ID, ClusterStatus.PENDING, null, null, null, null));
        for (Map.Entry<String, Supplier<ClusterState>> entry : STATES.entrySet()) {
            ClusterState state = entry.getValue().get();
            for (EventData event : odd) {
                assertThatCode(() -> machine.apply(state, event)).as(entry.getKey() + " + " + event).doesNotThrowAnyException();
            }
            Transition foreignResult = machine.apply(state, foreign);
            if (!foreignResult.legal()) {
                assertThat(foreignResult.next()).isSameAs(state);
            }
        }
    }

    @Test
    void commandsAreNotLifecycleEvents() {
        ClusterState running = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        Transition t = machine.apply(running, new DeleteCommand("alice", "demo-01", false));
        assertThat(t.legal()).isFalse();
        assertThat(t.next()).isSameAs(running);
    }

    @Test
    void applyIsPure() {
        ClusterState state = reach(REQUESTED, VALIDATION_STARTED, VALIDATED, HEALTHY);
        Transition first = machine.apply(state, UNHEALTHY);
        Transition second = machine.apply(state, UNHEALTHY);
        assertThat(first).isEqualTo(second);
        assertThat(state.unhealthyStreak()).isZero();
    }
}

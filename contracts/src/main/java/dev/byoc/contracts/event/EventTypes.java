package dev.byoc.contracts.event;

import dev.byoc.contracts.Producers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every {@code ce_type} of the contract, with the record its data maps to. */
public enum EventTypes {
    // v2: the spec carries no external ID (the platform derives it from the owner); what the registry publishes
    REQUESTED("byoc.cluster.requested.v2", ClusterRequested.class, Producers.REGISTRY),
    UPDATED("byoc.cluster.updated.v2", ClusterUpdated.class, Producers.REGISTRY),
    DELETED("byoc.cluster.deleted.v2", ClusterDeleted.class, Producers.REGISTRY),
    VERIFY_REQUESTED("byoc.cluster.verify-requested.v1", VerifyRequested.class, Producers.REGISTRY),
    ROTATION_REQUESTED("byoc.cluster.rotation-requested.v1", RotationRequested.class, Producers.REGISTRY),
    // v1: still read (the log keeps them for ever); their spec.externalId is ignored. Never published.
    REQUESTED_V1("byoc.cluster.requested.v1", ClusterRequested.class, Producers.REGISTRY),
    UPDATED_V1("byoc.cluster.updated.v1", ClusterUpdated.class, Producers.REGISTRY),
    DELETED_V1("byoc.cluster.deleted.v1", ClusterDeleted.class, Producers.REGISTRY),
    VALIDATION_STARTED("byoc.cluster.validation-started.v1", ValidationStarted.class, Producers.PROVISIONER),
    // v2: a check's id is any lower-kebab-case name (v1 enumerated six), so a new check is no new version
    VALIDATED("byoc.cluster.validated.v2", Validated.class, Producers.PROVISIONER),
    VALIDATION_FAILED("byoc.cluster.validation-failed.v2", ValidationFailed.class, Producers.PROVISIONER),
    // v1: still read into the same records (the log keeps them for ever). Never published.
    VALIDATED_V1("byoc.cluster.validated.v1", Validated.class, Producers.PROVISIONER),
    VALIDATION_FAILED_V1("byoc.cluster.validation-failed.v1", ValidationFailed.class, Producers.PROVISIONER),
    TEARDOWN_COMPLETED("byoc.cluster.teardown-completed.v1", TeardownCompleted.class, Producers.PROVISIONER),
    ROTATION_VALIDATED("byoc.cluster.rotation-validated.v1", RotationValidated.class, Producers.PROVISIONER),
    ROTATION_FAILED("byoc.cluster.rotation-failed.v1", RotationFailed.class, Producers.PROVISIONER),
    HEALTH_OBSERVED("byoc.cluster.health-observed.v1", HealthObserved.class, Producers.MONITOR),
    TIMED_OUT("byoc.cluster.timed-out.v1", TimedOut.class, Producers.MONITOR),
    STATUS_CHANGED("byoc.cluster.status-changed.v1", StatusChanged.class, Producers.MONITOR),
    COMMAND_REJECTED("byoc.cluster.command-rejected.v1", CommandRejected.class, Producers.REGISTRY),
    REGISTER_COMMAND("byoc.cluster.register.v1", RegisterCommand.class, null),
    UPDATE_COMMAND("byoc.cluster.update.v1", UpdateCommand.class, null),
    DELETE_COMMAND("byoc.cluster.delete.v1", DeleteCommand.class, null);

    private static final Map<String, EventTypes> BY_TYPE = java.util.Arrays.stream(values())
            .collect(Collectors.toMap(EventTypes::type, Function.identity()));

    /** The events that travel on {@code byoc.cluster-events}. */
    public static final List<EventTypes> CLUSTER_EVENTS = List.of(REQUESTED, UPDATED, DELETED, VERIFY_REQUESTED,
            ROTATION_REQUESTED, REQUESTED_V1, UPDATED_V1, DELETED_V1, VALIDATION_STARTED,
            VALIDATED, VALIDATION_FAILED, VALIDATED_V1, VALIDATION_FAILED_V1, TEARDOWN_COMPLETED, ROTATION_VALIDATED,
            ROTATION_FAILED, HEALTH_OBSERVED, TIMED_OUT, STATUS_CHANGED, COMMAND_REJECTED);

    private final String type;
    private final Class<? extends EventData> dataClass;
    private final String producer;

    EventTypes(String type, Class<? extends EventData> dataClass, String producer) {
        this.type = type;
        this.dataClass = dataClass;
        this.producer = producer;
    }

    /**
     * The {@code ce_source} of the one service allowed to emit this type ({@link
     * dev.byoc.contracts.Producers}); null for commands, which any authorised producer may send.
     */
    public String producer() {
        return producer;
    }

    public String type() {
        return type;
    }

    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    /** The name without its version suffix, e.g. {@code byoc.cluster.requested}. */
    public String family() {
        return family(type);
    }

    /** A type still read but no longer published (a newer version replaced it). */
    public boolean legacy() {
        return of(dataClass).orElseThrow() != this;
    }

    public int version() {
        return version(type);
    }

    public static Optional<EventTypes> of(String ceType) {
        return Optional.ofNullable(BY_TYPE.get(ceType));
    }

    /** The type published for {@code dataClass}: the current version (declared first), never a legacy one. */
    public static Optional<EventTypes> of(Class<? extends EventData> dataClass) {
        return java.util.Arrays.stream(values()).filter(t -> t.dataClass == dataClass).findFirst();
    }

    /**
     * True when {@code ceType} is a later version of a type we know (e.g. {@code requested.v2}):
     * such records are skipped, not dead-lettered, so producers can roll out first.
     */
    public static boolean isNewerVersionOfKnownType(String ceType) {
        if (ceType == null || of(ceType).isPresent()) {
            return false;
        }
        int version = version(ceType);
        String family = family(ceType);
        return version > 0 && BY_TYPE.values().stream()
                .anyMatch(t -> t.family().equals(family) && t.version() < version);
    }

    static String family(String ceType) {
        int dot = ceType.lastIndexOf(".v");
        return dot < 0 ? ceType : ceType.substring(0, dot);
    }

    static int version(String ceType) {
        int dot = ceType.lastIndexOf(".v");
        if (dot < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(ceType.substring(dot + 2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

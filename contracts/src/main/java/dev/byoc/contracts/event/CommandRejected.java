package dev.byoc.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A command from byoc.cluster-commands that the registry refused. {@code reason} (optional, added
 * compatibly) says why: {@link #INVALID} (it broke a rule), {@link #UNAUTHENTICATED} (unsigned,
 * unknown or revoked key, signature that does not match) or {@link #FORBIDDEN} (the service account
 * may not act for {@code actingUser}); null in records written before it existed.
 */
public record CommandRejected(UUID clusterId, String name, String correlationId, String commandType,
        List<dev.byoc.contracts.spec.Violation> errors, Instant rejectedAt, String reason) implements EventData {

    public static final String INVALID = "invalid";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String FORBIDDEN = "forbidden";

    /** Without a reason, as before the field existed. */
    public CommandRejected(UUID clusterId, String name, String correlationId, String commandType,
            List<dev.byoc.contracts.spec.Violation> errors, Instant rejectedAt) {
        this(clusterId, name, correlationId, commandType, errors, rejectedAt, null);
    }
}

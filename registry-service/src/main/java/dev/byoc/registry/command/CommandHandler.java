package dev.byoc.registry.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.CommandRejected;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.auth.UserRepository;
import dev.byoc.registry.cluster.ClusterService;
import dev.byoc.registry.outbox.Outbox;
import dev.byoc.registry.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Applies one command exactly as the REST API would (same rules, same authorization: the acting
 * user must exist and may only touch their own clusters). The answer is the normal event, or
 * command-rejected with the same errors the REST API gives; both leave through the outbox with
 * ids derived from the command's ce_id, and the command is recorded as handled in the same
 * transaction, so a redelivered command changes nothing.
 */
@ApplicationScoped
public class CommandHandler {
    /** Top-level keys of each command; what is inside request/patch is checked by the REST rules. */
    private static final java.util.Map<EventTypes, java.util.Map<String, Object>> KNOWN_KEYS = java.util.Map.of(
            EventTypes.REGISTER_COMMAND, keys("actingUser", "request"),
            EventTypes.UPDATE_COMMAND, keys("actingUser", "name", "patch"),
            EventTypes.DELETE_COMMAND, keys("actingUser", "name", "force"));

    private static java.util.Map<String, Object> keys(String... names) {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (String name : names) {
            map.put(name, null);
        }
        return map;
    }

    private final ClusterService clusters;
    private final UserRepository users;
    private final Outbox outbox;
    private final AgroalDataSource dataSource;

    CommandHandler(ClusterService clusters, UserRepository users, Outbox outbox, AgroalDataSource dataSource) {
        this.clusters = clusters;
        this.users = users;
        this.outbox = outbox;
        this.dataSource = dataSource;
    }

    /** @return false when the command had already been handled */
    @Transactional
    public boolean apply(String commandId, EventTypes type, JsonNode command) throws SQLException {
        if (!markHandled(commandId, "applied")) {
            return false;
        }
        List<Violation> unknown = new java.util.ArrayList<>();
        GridClusterRequest.checkKnownKeys(command, KNOWN_KEYS.get(type), "", unknown);
        if (!unknown.isEmpty()) {
            throw ProblemException.invalid(unknown);
        }
        String actingUser = command.path("actingUser").asText(null);
        if (actingUser == null || users.byName(actingUser).isEmpty()) {
            throw ProblemException.invalid(List.of(new Violation("actingUser",
                    "the acting user must be an existing user (create it with POST /api/v1/admin/users)")));
        }
        switch (type) {
            case REGISTER_COMMAND -> {
                GridClusterRequest.Result result = GridClusterRequest.parse(command.path("request"));
                List<Violation> violations = clusters.violations(actingUser, result);
                if (!violations.isEmpty()) {
                    throw ProblemException.invalid(prefixed("request", violations));
                }
                clusters.register(actingUser, result.parsed(), EventIds.derived(commandId, EventTypes.REQUESTED.type()));
            }
            case UPDATE_COMMAND -> clusters.update(actingUser, name(command), command.path("patch"),
                    EventIds.derived(commandId, EventTypes.UPDATED.type()));
            case DELETE_COMMAND -> clusters.delete(actingUser, name(command), command.path("force").asBoolean(false),
                    EventIds.derived(commandId, EventTypes.DELETED.type()));
            default -> throw new IllegalArgumentException("not a command: " + type);
        }
        return true;
    }

    /** Records the rejection (reason invalid) and publishes command-rejected, in a transaction of its own. */
    @Transactional
    public void reject(String commandId, EventTypes type, String name, List<Violation> errors) throws SQLException {
        if (!markHandled(commandId, "rejected")) {
            return;
        }
        // a rejected command may name no cluster; its key is then derived from the command's id
        UUID key = UUID.nameUUIDFromBytes(commandId.getBytes(StandardCharsets.UTF_8));
        outbox.add(EventIds.derived(commandId, EventTypes.COMMAND_REJECTED.type()), key, new CommandRejected(null, name,
                commandId, type == null ? null : type.type(), errors, Instant.now(), CommandRejected.INVALID));
    }

    /**
     * Refuses a command that is not signed by a live service account ({@code unauthenticated}) or
     * whose account may not act for its user ({@code forbidden}): publishes command-rejected, applies
     * nothing. A refusal does not use up the command's {@code ce_id}: it is recorded under
     * {@code <reason>/<ce_id>}, so once the signature or the account is fixed, the producer's retry
     * with the same {@code ce_id} is applied; the same refusal twice is answered once, and a
     * command already handled (a replay, say after its account was revoked) is not answered again.
     *
     * @return false when nothing was published (a duplicate)
     */
    @Transactional
    public boolean refuse(String commandId, EventTypes type, String name, String reason, List<Violation> errors)
            throws SQLException {
        if (handled(commandId)) {
            return false;
        }
        String refusal = reason + "/" + commandId;
        if (!markHandled(refusal, reason)) {
            return false;
        }
        UUID key = UUID.nameUUIDFromBytes(refusal.getBytes(StandardCharsets.UTF_8));
        outbox.add(EventIds.derived(refusal, EventTypes.COMMAND_REJECTED.type()), key,
                new CommandRejected(null, name, commandId, type.type(), errors, Instant.now(), reason));
        return true;
    }

    private static String name(JsonNode command) {
        String name = command.path("name").asText(null);
        if (name == null || name.isBlank()) {
            throw ProblemException.invalid(List.of(new Violation("name", "give the cluster name")));
        }
        return name;
    }

    private static List<Violation> prefixed(String prefix, List<Violation> violations) {
        return violations.stream().map(v -> new Violation(v.path().equals("$") ? prefix : prefix + "." + v.path(), v.message()))
                .toList();
    }

    private boolean handled(String commandId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select 1 from processed_commands where command_id = ?")) {
            s.setString(1, commandId);
            try (java.sql.ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private boolean markHandled(String commandId, String outcome) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into processed_commands (command_id, outcome) values (?, ?) "
                        + "on conflict do nothing")) {
            s.setString(1, commandId);
            s.setString(2, outcome);
            return s.executeUpdate() == 1;
        }
    }
}

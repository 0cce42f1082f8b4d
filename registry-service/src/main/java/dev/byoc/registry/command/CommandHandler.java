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
import dev.byoc.registry.cluster.ClusterRow;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;
import java.nio.charset.StandardCharsets;
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

    CommandHandler(ClusterService clusters, UserRepository users, Outbox outbox) {
        this.clusters = clusters;
        this.users = users;
        this.outbox = outbox;
    }

    /**
     * In one transaction: the command is recorded as handled and applied, or (a broken rule fails
     * the Uni with a ProblemException) nothing is. @return false when the command had already been handled
     */
    public Uni<Boolean> apply(String commandId, EventTypes type, JsonNode command) {
        return outbox.relayAfter(Transactions.inTransaction(session -> markHandled(session, commandId, "applied").chain(fresh -> {
            if (!fresh) {
                return Uni.createFrom().item(false);
            }
            List<Violation> unknown = new java.util.ArrayList<>();
            GridClusterRequest.checkKnownKeys(command, KNOWN_KEYS.get(type), "", unknown);
            if (!unknown.isEmpty()) {
                throw ProblemException.invalid(unknown);
            }
            String actingUser = command.path("actingUser").asText(null);
            Uni<Boolean> known = actingUser == null || !dev.byoc.registry.auth.AdminResource.USERNAME.matcher(actingUser).matches()
                    ? Uni.createFrom().item(false)
                    : users.byName(actingUser).map(java.util.Optional::isPresent);
            return known.chain(exists -> {
                if (!exists) {
                    throw ProblemException.invalid(List.of(new Violation("actingUser",
                            "the acting user must be an existing user (create it with POST /api/v1/admin/users)")));
                }
                return applyAs(actingUser, commandId, type, command);
            }).replaceWith(true);
        })));
    }

    private Uni<ClusterRow> applyAs(String actingUser, String commandId, EventTypes type, JsonNode command) {
        return switch (type) {
            case REGISTER_COMMAND -> {
                GridClusterRequest.Result result = GridClusterRequest.parse(command.path("request"));
                List<Violation> violations = clusters.violations(actingUser, result);
                if (!violations.isEmpty()) {
                    throw ProblemException.invalid(prefixed("request", violations));
                }
                yield clusters.register(actingUser, result.parsed(), EventIds.derived(commandId, EventTypes.REQUESTED.type()));
            }
            case UPDATE_COMMAND -> clusters.update(actingUser, name(command), command.path("patch"),
                    EventIds.derived(commandId, EventTypes.UPDATED.type()));
            case DELETE_COMMAND -> clusters.delete(actingUser, name(command), command.path("force").asBoolean(false),
                    EventIds.derived(commandId, EventTypes.DELETED.type()));
            default -> throw new IllegalArgumentException("not a command: " + type);
        };
    }

    /** Records the rejection (reason invalid) and publishes command-rejected, in a transaction of its own. */
    public Uni<Void> reject(String commandId, EventTypes type, String name, List<Violation> errors) {
        return outbox.relayAfter(Transactions.inTransaction(session -> markHandled(session, commandId, "rejected").chain(fresh -> {
            if (!fresh) {
                return Uni.createFrom().voidItem();
            }
            // a rejected command may name no cluster; its key is then derived from the command's id
            UUID key = UUID.nameUUIDFromBytes(commandId.getBytes(StandardCharsets.UTF_8));
            return outbox.add(EventIds.derived(commandId, EventTypes.COMMAND_REJECTED.type()), key, new CommandRejected(null,
                    name, commandId, type == null ? null : type.type(), errors, Instant.now(), CommandRejected.INVALID))
                    .replaceWithVoid();
        })));
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
    public Uni<Boolean> refuse(String commandId, EventTypes type, String name, String reason, List<Violation> errors) {
        String refusal = reason + "/" + commandId;
        return outbox.relayAfter(Transactions.inTransaction(session -> handled(session, commandId)
                .chain(handled -> handled ? Uni.createFrom().item(false) : markHandled(session, refusal, reason))
                .chain(fresh -> {
                    if (!fresh) {
                        return Uni.createFrom().item(false);
                    }
                    UUID key = UUID.nameUUIDFromBytes(refusal.getBytes(StandardCharsets.UTF_8));
                    return outbox.add(EventIds.derived(refusal, EventTypes.COMMAND_REJECTED.type()), key,
                            new CommandRejected(null, name, commandId, type.type(), errors, Instant.now(), reason))
                            .replaceWith(true);
                })));
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

    private static Uni<Boolean> handled(Mutiny.Session session, String commandId) {
        return Sql.column(session, "select command_id from processed_commands where command_id = :id",
                Map.of("id", commandId), String.class).map(rows -> !rows.isEmpty());
    }

    /** @return false when the command had been recorded before (insert … on conflict do nothing) */
    private static Uni<Boolean> markHandled(Mutiny.Session session, String commandId, String outcome) {
        return Sql.execute(session, "insert into processed_commands (command_id, outcome) values (:id, :outcome) "
                + "on conflict do nothing", Map.of("id", commandId, "outcome", outcome)).map(inserted -> inserted == 1);
    }
}

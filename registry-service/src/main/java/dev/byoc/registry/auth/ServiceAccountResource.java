package dev.byoc.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Service accounts, admins only: the internal producers that sign commands on
 * byoc.cluster-commands, each allowed to act for the users listed (or {@code "*"}). The secret is
 * shown once, in the answer to POST; it is derived from the platform secret and the key id, never
 * stored.
 */
@Path("/api/v1/admin/service-accounts")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceAccountResource {
    private static final Logger LOG = Logger.getLogger(ServiceAccountResource.class);
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
    private static final Set<String> KNOWN = Set.of("name", "actingUsers");
    private static final String NAME_RULE = "1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";

    private final ServiceAccountRepository accounts;
    private final ServiceAccounts keys;
    private final CurrentUser currentUser;

    ServiceAccountResource(ServiceAccountRepository accounts, ServiceAccounts keys, CurrentUser currentUser) {
        this.accounts = accounts;
        this.keys = keys;
        this.currentUser = currentUser;
    }

    /** Takes the raw body so every broken field is reported with its path (duplicate keys included). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(String body) {
        requireAdmin();
        JsonNode request;
        try {
            request = Json.mapper().readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw ProblemException.invalid(List.of(new Violation("$", "the body is not valid JSON (or repeats a key)")));
        }
        if (request == null || !request.isObject()) {
            throw ProblemException.invalid(List.of(new Violation("$",
                    "send {\"name\": \"<account>\", \"actingUsers\": [\"<user>\", …] or \"*\"}")));
        }
        List<Violation> violations = new ArrayList<>();
        for (Iterator<String> fields = request.fieldNames(); fields.hasNext();) {
            String field = fields.next();
            if (!KNOWN.contains(field)) {
                violations.add(new Violation(field, "unknown key '" + field + "'; known keys here: name, actingUsers"));
            }
        }
        JsonNode nameNode = request.get("name");
        String name = nameNode != null && nameNode.isTextual() ? nameNode.textValue() : null;
        if (name == null || !NAME.matcher(name).matches()) {
            violations.add(new Violation("name", "the account name must be " + NAME_RULE));
        }
        List<String> actingUsers = actingUsers(request.get("actingUsers"), violations);
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        String keyId = ServiceAccounts.newKeyId();
        String admin = currentUser.username();
        return Transactions.inTransaction(session -> accounts.create(name, keyId, actingUsers)).map(created -> {
            ServiceAccountRepository.Account account = created.orElseThrow(() -> ProblemException.conflict(
                    "a service account named '" + name + "' already exists; revoke it first (DELETE "
                            + "/api/v1/admin/service-accounts/" + name + ") or choose another name"));
            LOG.infof("service account %s (key %s) created by %s", name, keyId, admin);
            Map<String, Object> answer = representation(account);
            answer.put("secret", keys.secretOf(keyId));
            answer.put("note", "store this secret now: it is shown once. Sign each command with it: "
                    + "byoc-key-id: " + keyId + ", byoc-signature: v1,<base64 HMAC-SHA256(secret, ce_id.ce_type.value)>");
            return Response.status(201).entity(answer).build();
        });
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("includeRevoked") @DefaultValue("false") boolean includeRevoked) {
        requireAdmin();
        return Transactions.inSession(session -> accounts.list(includeRevoked)).map(list -> Map.<String, Object>of("items",
                list.stream().map(ServiceAccountResource::representation).toList()));
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> revoke(@PathParam("name") String name) {
        requireAdmin();
        String admin = currentUser.username();
        return Transactions.inTransaction(session -> accounts.revoke(name)).map(revoked -> {
            if (!revoked) {
                throw ProblemException.notFound("no live service account '" + name + "'");
            }
            LOG.infof("service account %s revoked by %s", name, admin);
            return Response.noContent().build();
        });
    }

    /** {@code "*"}, or a non-empty list of distinct user names. */
    private static List<String> actingUsers(JsonNode node, List<Violation> violations) {
        if (node != null && node.isTextual() && ServiceAccountRepository.Account.ANY_USER.equals(node.textValue())) {
            return List.of(ServiceAccountRepository.Account.ANY_USER);
        }
        if (node == null || !node.isArray() || node.isEmpty()) {
            violations.add(new Violation("actingUsers",
                    "give the users the account may act for, [\"alice\", \"bob\"], or \"*\" for any user"));
            return List.of();
        }
        Set<String> users = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode user = node.get(i);
            String path = "actingUsers[" + i + "]";
            if (user.isTextual() && ServiceAccountRepository.Account.ANY_USER.equals(user.textValue())) {
                violations.add(new Violation(path, "\"*\" stands alone: \"actingUsers\": \"*\" (any user)"));
            } else if (!user.isTextual() || !NAME.matcher(user.textValue()).matches()) {
                violations.add(new Violation(path, "a user name: " + NAME_RULE));
            } else if (!users.add(user.textValue())) {
                violations.add(new Violation(path, "'" + user.textValue() + "' is listed twice"));
            }
        }
        return List.copyOf(users);
    }

    static Map<String, Object> representation(ServiceAccountRepository.Account account) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", account.name());
        map.put("keyId", account.keyId());
        map.put("actingUsers", account.anyUser() ? ServiceAccountRepository.Account.ANY_USER : account.actingUsers());
        map.put("createdAt", account.createdAt());
        if (account.revoked()) {
            map.put("revokedAt", account.revokedAt());
        }
        return map;
    }

    private void requireAdmin() {
        if (!currentUser.admin()) {
            throw new ProblemException(403, "forbidden", "Forbidden", "only admins manage service accounts", null);
        }
    }
}

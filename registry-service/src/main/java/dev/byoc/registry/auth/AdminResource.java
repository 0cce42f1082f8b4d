package dev.byoc.registry.auth;

import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Users and API keys; admins only. */
@Path("/api/v1/admin/users")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
    /** Every username matches it; a name that does not is no user's (and is never sent to the database). */
    public static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");

    public record NewUser(String username, Boolean admin) {
    }

    private final UserRepository users;
    private final CurrentUser currentUser;

    AdminResource(UserRepository users, CurrentUser currentUser) {
        this.users = users;
        this.currentUser = currentUser;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> createUser(NewUser request) {
        requireAdmin();
        if (request == null || request.username() == null || !USERNAME.matcher(request.username()).matches()) {
            throw ProblemException.invalid(List.of(new Violation("username",
                    "username must be 1-63 lower-case letters, digits, '.', '_' or '-'")));
        }
        boolean admin = Boolean.TRUE.equals(request.admin());
        return Transactions.inTransaction(session -> users.create(request.username(), admin)).map(created -> {
            if (!created) {
                throw ProblemException.conflict("user '" + request.username() + "' already exists");
            }
            return Response.status(201).entity(Map.of("username", request.username(), "admin", admin)).build();
        });
    }

    @POST
    @Path("{username}/keys")
    public Uni<Response> issueKey(@PathParam("username") String username) {
        requireAdmin();
        String key = ApiKeys.newKey();
        return Transactions.inTransaction(session -> users.byName(username).chain(user -> {
            if (user.isEmpty()) {
                throw ProblemException.notFound("no user '" + username + "'");
            }
            return users.addKey(username, ApiKeys.hash(key), ApiKeys.hint(key));
        })).map(id -> Response.status(201).entity(Map.of("id", id, "username", username, "key", key,
                "note", "store this key now: it is shown once and kept only as a hash")).build());
    }

    @DELETE
    @Path("{username}/keys/{id}")
    public Uni<Response> revokeKey(@PathParam("username") String username, @PathParam("id") UUID id) {
        requireAdmin();
        // the key's open streams end on every replica when this commits
        return Transactions.inTransaction(session -> users.revokeKey(username, id).call(revoked -> revoked
                ? dev.byoc.registry.cluster.ClusterChanges.notifyKeyRevoked(session, id) : Uni.createFrom().voidItem()))
                .map(revoked -> {
            if (!revoked) {
                throw ProblemException.notFound("no active key " + id + " for user '" + username + "'");
            }
            return Response.noContent().build();
        });
    }

    private void requireAdmin() {
        if (!currentUser.admin()) {
            throw new ProblemException(403, "forbidden", "Forbidden", "only admins manage users and keys", null);
        }
    }

}

package dev.byoc.registry.auth;

import dev.byoc.registry.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every API call needs {@code Authorization: Bearer <key>}; health and OpenAPI live outside /api. */
public class ApiKeyFilter {
    public static final String BOOTSTRAP_ADMIN = "admin";

    private final UserRepository users;
    private final CurrentUser currentUser;
    private final Optional<String> bootstrapKey;

    ApiKeyFilter(UserRepository users, CurrentUser currentUser,
            BootstrapKeyConfig bootstrapKey) {
        this.users = users;
        this.currentUser = currentUser;
        this.bootstrapKey = bootstrapKey.value().filter(k -> !k.isBlank());
    }

    @ServerRequestFilter(nonBlocking = true) // on the event loop, where the reactive session lives, even before a blocking resource
    /** A null item lets the request through; a response ends it. */
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Uni.createFrom().item(unauthorized("send your API key as 'Authorization: Bearer <key>' (byoc login stores it)"));
        }
        String key = header.substring(7).trim();
        if (bootstrapKey.isPresent() && MessageDigest.isEqual(
                bootstrapKey.get().getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            currentUser.set(BOOTSTRAP_ADMIN, true, null);
            return Uni.createFrom().nullItem();
        }
        String hash = ApiKeys.hash(key);
        return Transactions.inSession(session -> users.byKeyHash(hash)).map(user -> {
            if (user.isEmpty()) {
                return unauthorized("the API key is unknown or revoked; ask an admin for a new one");
            }
            currentUser.set(user.get().username(), user.get().admin(), hash);
            return null;
        });
    }

    private static Response unauthorized(String detail) {
        return Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem("https://byoc.dev/problems/unauthorized", "Unauthorized", 401, detail, null)).build();
    }
}

package dev.byoc.provisioner.internal;

import dev.byoc.provisioner.config.InternalApiConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Only the registry may call {@code /internal/*}: it sends the shared secret as a bearer token. The
 * provisioner's HTTP port carries nothing else, and what the internal API answers (a cluster's
 * object keys) belongs to a tenant, so a caller that is not the registry — which checked the tenant —
 * gets nothing. Checked before the body is read.
 */
@ApplicationScoped
@Startup
public class InternalApiGuard {
    static final int MIN_SECRET_LENGTH = 32;
    private final Optional<byte[]> secretDigest;

    InternalApiGuard(InternalApiConfig config) {
        Optional<String> secret = config.secret().filter(s -> !s.isBlank());
        if (secret.isPresent() && secret.get().length() < MIN_SECRET_LENGTH) {
            // a short secret is guessable; better no start than an internal API anyone can call
            throw new IllegalStateException("byoc.internal-api.secret (BYOC_INTERNAL_API_SECRET) must have at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        this.secretDigest = secret.map(InternalApiGuard::digest);
    }

    @ServerRequestFilter
    public Optional<Response> guard(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/internal/") && !path.equals("/internal")) {
            return Optional.empty();
        }
        if (secretDigest.isEmpty()) {
            return Optional.of(problem(503, "the internal API is disabled: byoc.internal-api.secret "
                    + "(BYOC_INTERNAL_API_SECRET) is not set on the provisioner"));
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(Response.fromResponse(problem(401, "send the internal API secret as Authorization: Bearer …"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"byoc-internal\"").build());
        }
        // digests of equal length, compared in constant time: neither the secret's bytes nor its length leak
        if (!MessageDigest.isEqual(secretDigest.get(), digest(authorization.substring(7).strip()))) {
            return Optional.of(problem(403, "not the internal API secret"));
        }
        return Optional.empty();
    }

    static Response problem(int status, String detail) {
        return Response.status(status).type("application/problem+json").entity(Map.of("type",
                "https://byoc.dev/problems/internal-api", "title", Response.Status.fromStatusCode(status).getReasonPhrase(),
                "status", status, "detail", detail)).build();
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

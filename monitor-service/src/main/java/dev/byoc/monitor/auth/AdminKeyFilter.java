package dev.byoc.monitor.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every call under {@code /api/} is an operator call (the watch list, its rebuild) and needs
 * {@code Authorization: Bearer <admin key>}. The monitor has no users table: the key is the
 * platform's bootstrap admin key, the same {@code BYOC_BOOTSTRAP_API_KEY} the registry accepts, so
 * one key (the stack's {@code .byoc/api-key}) serves both. Without a configured key every call is
 * refused rather than left open. Health and metrics live on the management interface, outside this.
 */
public class AdminKeyFilter {
    public static final String PROBLEM_JSON = "application/problem+json";

    /** RFC 9457 problem details. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail) {
    }

    private final Optional<byte[]> adminKey;

    AdminKeyFilter(AdminKeyConfig config) {
        this.adminKey = config.value().map(String::trim).filter(k -> !k.isEmpty()).map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Optional.empty();
        }
        if (adminKey.isEmpty()) {
            return Optional.of(unauthorized("no admin key is configured (byoc.admin-api-key, env BYOC_BOOTSTRAP_API_KEY): "
                    + "the monitor refuses every admin call until one is set"));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Optional.of(unauthorized("send the admin API key as 'Authorization: Bearer <key>'"));
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // constant time: the comparison reveals nothing about how much of a guess was right
        if (!MessageDigest.isEqual(adminKey.get(), given)) {
            return Optional.of(unauthorized("this is not the admin API key"));
        }
        return Optional.empty();
    }

    private static Response unauthorized(String detail) {
        return Response.status(401).type(PROBLEM_JSON).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem("https://byoc.dev/problems/unauthorized", "Unauthorized", 401, detail)).build();
    }
}

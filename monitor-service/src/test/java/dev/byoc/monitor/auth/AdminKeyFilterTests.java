package dev.byoc.monitor.auth;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The admin-key rule on its own, for what the running service cannot show under its test
 * configuration: a monitor started without an admin key refuses every admin call instead of
 * leaving them open. (MonitorTests tries the configured key over HTTP.)
 */
class AdminKeyFilterTests {

    /** A request for {@code path} with the given Authorization header (or none). */
    private static ContainerRequestContext request(String path, String authorization) {
        UriInfo uri = (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(), new Class<?>[] {UriInfo.class},
                (proxy, method, args) -> method.getName().equals("getPath") ? path : null);
        return (ContainerRequestContext) Proxy.newProxyInstance(ContainerRequestContext.class.getClassLoader(),
                new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getUriInfo" -> uri;
                    case "getHeaderString" -> HttpHeaders.AUTHORIZATION.equalsIgnoreCase((String) args[0]) ? authorization : null;
                    default -> null;
                });
    }

    private static String detail(Response response) {
        return ((AdminKeyFilter.Problem) response.getEntity()).detail();
    }

    @Test
    void withoutAConfiguredKeyEveryAdminCallIsRefusedWhateverItSends() {
        for (Optional<String> unset : java.util.List.of(Optional.<String>empty(), Optional.of("  "))) {
            AdminKeyFilter filter = new AdminKeyFilter(() -> unset);
            for (String header : new String[] {null, "Bearer ", "Bearer anything", "Bearer  "}) {
                Optional<Response> refused = filter.authenticate(request("/api/v1/watch", header));
                assertThat(refused).as("header %s", header).isPresent();
                assertThat(refused.get().getStatus()).isEqualTo(401);
                assertThat(refused.get().getMediaType().toString()).isEqualTo("application/problem+json");
                assertThat(refused.get().getHeaderString(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Bearer");
                assertThat(detail(refused.get())).contains("no admin key is configured").contains("BYOC_BOOTSTRAP_API_KEY");
            }
        }
    }

    @Test
    void onlyTheExactKeyAsABearerTokenPasses() {
        AdminKeyFilter filter = new AdminKeyFilter(() -> Optional.of("the-admin-key"));
        assertThat(filter.authenticate(request("/api/v1/admin/projections/watch-list/rebuild", "Bearer the-admin-key"))).isEmpty();
        assertThat(filter.authenticate(request("/api/v1/watch", "bearer the-admin-key"))).as("the scheme is case-insensitive").isEmpty();
        for (String wrong : new String[] {"Bearer the-admin-ke", "Bearer the-admin-key2", "Bearer THE-ADMIN-KEY",
                "Basic the-admin-key", "the-admin-key", "Bearer "}) {
            Optional<Response> refused = filter.authenticate(request("/api/v1/watch", wrong));
            assertThat(refused).as(wrong).isPresent();
            assertThat(refused.get().getStatus()).isEqualTo(401);
            assertThat(detail(refused.get())).doesNotContain("the-admin-key");
        }
    }

    @Test
    void pathsOutsideTheApiAreNotItsConcern() {
        assertThat(new AdminKeyFilter(Optional::empty).authenticate(request("/favicon.ico", null))).isEmpty();
    }
}

package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresResource;
import dev.byoc.testsupport.fuzz.FuzzedInputs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generated wrong input against the real registry (issue #14 item 6): create bodies, merge
 * patches, query strings, path segments and raw bytes built from the Grid spec's shape. Every
 * answer is below 500; every 4xx is problem+json carrying its status (and, for a 400, the path of
 * each broken field); a refused request stores and publishes nothing; no answer carries the
 * caller's full external ID or any key. {@code -Dbyoc.fuzz.cases=10000} for the long run,
 * {@code -Dbyoc.fuzz.seed=N} to replay one.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class InputFuzzTests {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PATCH = """
            {"spec": {"performance_profile": "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING",
                      "driver": {"kubernetes": {"aws": {"instance_types": [{"name": "m5.2xlarge",
                                                                            "overprovisioned_ondemand_count": 1}]}}}}}
            """;

    @TestHTTPResource("/")
    URL base;

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    private String username;
    private String key;
    private final Map<Integer, Integer> statuses = new TreeMap<>();

    @Test
    void noGeneratedInputGetsA5xxOrChangesAnythingWhenRefused() throws Exception {
        username = ClusterApiTests.unique("fuzz");
        ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body("{\"username\": \"" + username + "\"}")
                .post("/api/v1/admin/users").then().statusCode(201);
        key = ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/admin/users/" + username + "/keys").then()
                .statusCode(201).extract().path("key");
        String target = ClusterApiTests.unique("fz-target");
        assertThat(send("POST", "/api/v1/clusters", Specs.grid(target, username).getBytes(), "application/json").statusCode())
                .isEqualTo(201);

        long seed = FuzzedInputs.seed(20261201L);
        int cases = FuzzedInputs.cases(1000);
        FuzzedInputs fuzz = new FuzzedInputs(seed);
        for (int i = 0; i < cases; i++) {
            String where = "case " + i + " of seed " + seed;
            int kind = i % 20;
            if (kind < 8) {
                String body = fuzz.body(Specs.grid(ClusterApiTests.unique("fz"), username));
                refusedCreateChangesNothing(where, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), body);
            } else if (kind < 9) {
                byte[] bytes = fuzz.rawBytes(Specs.grid(ClusterApiTests.unique("fz"), username));
                refusedCreateChangesNothing(where, bytes, "<" + bytes.length + " raw bytes>");
            } else if (kind < 14) {
                String patch = fuzz.mergePatch(PATCH);
                refusedEditChangesNothing(where, target, patch);
            } else if (kind < 17) {
                String query = fuzz.listQuery();
                check(where + " GET ?" + query, send("GET", "/api/v1/clusters?" + query, null, null));
            } else {
                String segment = fuzz.pathSegment();
                String method = List.of("GET", "DELETE", "PATCH").get(i % 3);
                String path = "/api/v1/clusters/" + segment + (i % 2 == 0 ? "" : "?force=" + segment);
                check(where + " " + method + " " + path, send(method, path, "PATCH".equals(method) ? PATCH.getBytes() : null,
                        "application/merge-patch+json"));
            }
        }
        System.out.printf("fuzz: %d cases, seed %d, answers by status %s%n", cases, seed, statuses);
        // the generator must reach both sides, or the suite proves nothing
        assertThat(statuses).containsKeys(200, 201, 400, 404);
    }

    private void refusedCreateChangesNothing(String where, byte[] body, String shown) throws Exception {
        long clustersBefore = count("select count(*) from clusters where owner = '" + username + "'");
        long outboxBefore = count("select count(*) from outbox");
        HttpResponse<String> answer = send("POST", "/api/v1/clusters", body, "application/json");
        check(where + " POST " + shown, answer);
        long created = answer.statusCode() == 201 ? 1 : 0;
        assertThat(count("select count(*) from clusters where owner = '" + username + "'")).as(where + ": clusters after "
                + answer.statusCode() + " for " + shown).isEqualTo(clustersBefore + created);
        assertThat(count("select count(*) from outbox")).as(where + ": outbox after " + answer.statusCode() + " for " + shown)
                .isEqualTo(outboxBefore + created);
    }

    private void refusedEditChangesNothing(String where, String target, String patch) throws Exception {
        String specBefore = spec(target);
        long outboxBefore = count("select count(*) from outbox");
        HttpResponse<String> answer = send("PATCH", "/api/v1/clusters/" + target, patch.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/merge-patch+json");
        check(where + " PATCH " + patch, answer);
        if (answer.statusCode() >= 400) {
            assertThat(spec(target)).as(where + ": spec after " + answer.statusCode() + " for " + patch).isEqualTo(specBefore);
            assertThat(count("select count(*) from outbox")).as(where + ": outbox after " + answer.statusCode())
                    .isEqualTo(outboxBefore);
        }
    }

    private void check(String input, HttpResponse<String> answer) {
        String what = input.length() > 400 ? input.substring(0, 400) + "…(" + input.length() + " chars)" : input;
        int status = answer.statusCode();
        statuses.merge(status, 1, Integer::sum);
        assertThat(status).as(what + " answered " + answer.body()).isBetween(200, 499);
        String body = answer.body();
        assertThat(body).as(what + ": no secret in the answer")
                .doesNotContain(AwsStandIn.externalIdOf(username)).doesNotContain(key).doesNotContain(ClusterApiTests.ADMIN);
        if ((status == 414 || status == 431) && body.isEmpty()) {
            // refused by Vert.x's HTTP codec before any route runs (request line over 4 KiB, headers
            // too large): Quarkus offers no hook to shape that answer (quarkusio/quarkus#55082)
            return;
        }
        if (status >= 400) {
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/problem+json");
            JsonNode problem = Json.mapper().valueToTree(Json.read(body, Object.class));
            assertThat(problem.path("status").asInt()).as(what + ": " + body).isEqualTo(status);
            assertThat(problem.path("title").asText()).as(what + ": " + body).isNotBlank();
            if (status == 400) {
                assertThat(problem.path("errors").isArray() && !problem.path("errors").isEmpty()).as(what + ": " + body).isTrue();
                problem.path("errors").forEach(error -> assertThat(error.path("path").asText()).as(what + ": " + body).isNotBlank());
            }
        }
    }

    private HttpResponse<String> send(String method, String pathAndQuery, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && body != null) {
            request.header("Content-Type", contentType);
        }
        try {
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                // the client may reuse a connection the server closed after a codec-level 414: once more on a new one
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (java.io.IOException e) {
            String shown = pathAndQuery.length() > 300 ? pathAndQuery.substring(0, 300) + "…" : pathAndQuery;
            throw new AssertionError(method + " " + shown + " (" + pathAndQuery.length() + " chars, body "
                    + (body == null ? 0 : body.length) + " bytes) got no answer: " + e.getMessage(), e);
        }
    }

    private long count(String sql) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.createStatement(); var r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private String spec(String name) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "select spec::text from clusters where owner = ? and name = ? and released_at is null")) {
            s.setString(1, username);
            s.setString(2, name);
            try (var r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }
}

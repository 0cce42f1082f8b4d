package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live stream (issue #14 item 5): pushed when the projection changes (no re-read on a timer),
 * capped per user (429 problem+json), closed when its key is revoked, ended after deleted.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class StreamTests {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String END = "<end of stream>";

    @TestHTTPResource("/")
    URL base;

    /** An open stream: its lines as they arrive, then {@link #END}. */
    record Lines(BlockingQueue<String> queue, CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response) {
        String next(Duration within) throws InterruptedException {
            String line = queue.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(line).as("a line within %s", within).isNotNull();
            return line;
        }

        /** The data of the next {@code event: <name>}. */
        String event(String name, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            boolean named = false;
            while (System.nanoTime() < deadline) {
                String line = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (line.equals(END)) {
                    throw new AssertionError("the stream ended before event " + name);
                }
                if (line.equals("event:" + name) || line.equals("event: " + name)) {
                    named = true;
                } else if (named && line.startsWith("data:")) {
                    return line.substring(5).trim();
                }
            }
            throw new AssertionError("no event " + name + " within " + within);
        }

        void awaitEnd(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                if (END.equals(queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))) {
                    return;
                }
            }
            throw new AssertionError("the stream did not end within " + within);
        }
    }

    private Lines open(String key, String name) throws Exception {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/api/v1/clusters/"
                + name + "/events")).header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build();
        var response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> {
            if (r.statusCode() != 200) {
                queue.add("HTTP " + r.statusCode());
            }
            Thread reader = new Thread(() -> {
                try {
                    r.body().forEach(queue::add);
                } catch (RuntimeException ignored) {
                    // the client closed it
                }
                queue.add(END);
            });
            reader.setDaemon(true);
            reader.start();
        });
        return new Lines(queue, response);
    }

    /** Registers, and waits until requested is on the log, so the facts sent after it come after it. */
    private static String register(String key, String owner, String name) {
        String id = ClusterApiTests.as(key).contentType("application/json").body(Specs.grid(name, owner))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        assertThat(KafkaTestClient.shared().read("byoc.cluster-events", r -> id.equals(r.key()), found -> !found.isEmpty(),
                Duration.ofSeconds(20))).isNotEmpty();
        return id;
    }

    private static void statusChanged(String id, String name, String from, String to) {
        String json = """
                {"clusterId": "%s", "name": "%s", "from": %s, "to": "%s", "reason": "test", "causeEventId": "%s",
                 "observedAt": "%s"}""".formatted(id, name, from == null ? "null" : "\"" + from + "\"", to, UUID.randomUUID(),
                Instant.now());
        KafkaTestClient.shared().produce("byoc.cluster-events", id, json, KafkaTestClient.cloudEvent(
                UUID.randomUUID().toString(), "byoc.cluster.status-changed.v1", id));
    }

    @Test
    void theStreamIsPushedEachChangeAndEndsAfterDeleted() throws Exception {
        String name = ClusterApiTests.unique("stream");
        String id = register(ClusterApiTests.ADMIN, dev.byoc.testsupport.AwsStandIn.OWNER, name);
        Lines stream = open(ClusterApiTests.ADMIN, name);
        assertThat(stream.event("status", Duration.ofSeconds(10))).contains("\"status\":\"queued\"");

        statusChanged(id, name, "queued", "pending");
        assertThat(stream.event("status", Duration.ofSeconds(10))).contains("\"status\":\"pending\"");
        statusChanged(id, name, "pending", "running");
        assertThat(stream.event("status", Duration.ofSeconds(10))).contains("\"status\":\"running\"");
        // an edit shows at once (read-your-writes), before any projection
        ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/clusters/" + name).then().statusCode(202);
        assertThat(stream.event("status", Duration.ofSeconds(10))).contains("\"status\":\"terminating\"");
        statusChanged(id, name, "terminating", "deleted");
        assertThat(stream.event("status", Duration.ofSeconds(10))).contains("\"status\":\"deleted\"");
        stream.awaitEnd(Duration.ofSeconds(10));
    }

    @Test
    void streamsPastTheCapAre429AndARevokedKeysStreamsClose() throws Exception {
        String username = ClusterApiTests.unique("streamer");
        ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body("{\"username\": \"" + username + "\"}")
                .post("/api/v1/admin/users").then().statusCode(201);
        var issued = ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/admin/users/" + username + "/keys").then()
                .statusCode(201).extract();
        String key = issued.path("key");
        String keyId = issued.path("id");
        String name = ClusterApiTests.unique("capped");
        register(key, username, name);

        List<Lines> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // %test.byoc.sse.max-per-user=3
            Lines stream = open(key, name);
            assertThat(stream.event("status", Duration.ofSeconds(10))).contains("\"status\":\"queued\"");
            streams.add(stream);
        }
        var refused = ClusterApiTests.as(key).accept("text/event-stream").get("/api/v1/clusters/" + name + "/events");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getInt("status")).isEqualTo(429);
        // another user is not refused because of this one
        Lines admins = open(ClusterApiTests.ADMIN, name.replace("capped", "nope"));
        assertThat(admins.next(Duration.ofSeconds(10))).isEqualTo("HTTP 404");

        ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/admin/users/" + username + "/keys/" + keyId).then()
                .statusCode(204);
        for (Lines stream : streams) {
            assertThat(stream.event("closed", Duration.ofSeconds(10))).contains("revoked");
            stream.awaitEnd(Duration.ofSeconds(10));
        }
    }
}

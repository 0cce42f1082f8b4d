package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fleet stream (issue #17 item 6): every event of the caller's clusters as it is recorded,
 * resumed with {@code Last-Event-ID} exactly after the last one received; another user's clusters
 * never show; an admin sees every cluster.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class FleetStreamTests {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL base;

    /** One SSE event as received. */
    record Event(String id, String name, JsonNode data) {
        String cluster() {
            return data.path("cluster").asText();
        }

        String type() {
            return data.path("type").asText();
        }
    }

    /** An open fleet stream: its events as they arrive. */
    static final class Fleet implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final List<Event> received = new ArrayList<>();
        final InputStream body;

        Fleet(InputStream body) {
            this.body = body;
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    String id = null;
                    String name = null;
                    StringBuilder data = null;
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.isEmpty()) {
                            if (data != null) {
                                Event event = new Event(id, name, Json.read(data.toString(), JsonNode.class));
                                events.add(event);
                                synchronized (received) {
                                    received.add(event);
                                    received.notifyAll();
                                }
                            }
                            id = null;
                            name = null;
                            data = null;
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).trim();
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data = new StringBuilder(line.substring(5).trim());
                        }
                    }
                } catch (Exception ignored) {
                    // closed by the test
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event about {@code cluster} not taken yet; events of other clusters stay for their own calls. */
        Event next(String cluster, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                synchronized (received) {
                    for (java.util.Iterator<Event> it = received.iterator(); it.hasNext(); ) {
                        Event event = it.next();
                        if (cluster.equals(event.cluster())) {
                            it.remove();
                            return event;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        /** Every event about {@code cluster} that arrives within {@code within}. */
        List<Event> all(String cluster, Duration within) throws InterruptedException {
            List<Event> found = new ArrayList<>();
            long deadline = System.nanoTime() + within.toNanos();
            for (Event e = next(cluster, within); e != null; e = next(cluster, Duration.ofNanos(Math.max(1,
                    deadline - System.nanoTime())))) {
                found.add(e);
            }
            return found;
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private HttpResponse<InputStream> request(String key, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/api/v1/events"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private Fleet open(String key, String lastEventId) throws Exception {
        HttpResponse<InputStream> response = request(key, lastEventId);
        assertThat(response.statusCode()).isEqualTo(200);
        Fleet fleet = new Fleet(response.body());
        Thread.sleep(500); // a stream without a position starts at the end of the log: let it find it
        return fleet;
    }

    private static String register(String key, String name) {
        return ClusterApiTests.as(key).contentType("application/json").body(Specs.grid(name, null)).post("/api/v1/clusters")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void aReconnectWithLastEventIdLosesAndRepeatsNothing() throws Exception {
        String name = ClusterApiTests.unique("fleet");
        Event requested;
        String id;
        try (Fleet fleet = open(ClusterApiTests.ADMIN, null)) {
            id = register(ClusterApiTests.ADMIN, name);
            requested = fleet.next(name, Duration.ofSeconds(20));
            assertThat(requested).as("the registration, pushed").isNotNull();
            assertThat(requested.name()).isEqualTo("cluster-event");
            assertThat(requested.type()).isEqualTo("byoc.cluster.requested.v2");
            assertThat(requested.data().path("clusterId").asText()).isEqualTo(id);
            assertThat(requested.data().path("data").path("spec").has("externalId")).isFalse();
        }
        // while nobody listens: three changes
        VerifyAndDriftTests.statusChanged(id, name, "queued", "pending", "validating");
        VerifyAndDriftTests.statusChanged(id, name, "pending", "running", "eks-active");
        VerifyAndDriftTests.statusChanged(id, name, "running", "failed", "eks-failed");
        Thread.sleep(2000); // recorded by then (the projection commits within a poll)

        try (Fleet resumed = open(ClusterApiTests.ADMIN, requested.id())) {
            List<Event> missed = resumed.all(name, Duration.ofSeconds(5));
            assertThat(missed).extracting(e -> e.data().path("data").path("to").asText())
                    .containsExactly("pending", "running", "failed");
            assertThat(missed).extracting(Event::id).doesNotHaveDuplicates().doesNotContain(requested.id());

            // and resumed from the middle: only what followed
            try (Fleet fromMiddle = open(ClusterApiTests.ADMIN, missed.get(0).id())) {
                assertThat(fromMiddle.all(name, Duration.ofSeconds(3))).extracting(e -> e.data().path("data").path("to").asText())
                        .containsExactly("running", "failed");
            }
        }
    }

    @Test
    void aUserSeesOnlyTheirOwnClustersAndAnAdminSeesEveryone() throws Exception {
        TenantBoundaryTests.User alice = TenantBoundaryTests.newUser("alice");
        String adminsCluster = ClusterApiTests.unique("fleet");
        String alicesCluster = ClusterApiTests.unique("fleet");
        try (Fleet aliceSees = open(alice.key(), null); Fleet adminSees = open(ClusterApiTests.ADMIN, null)) {
            String adminsId = register(ClusterApiTests.ADMIN, adminsCluster);
            VerifyAndDriftTests.statusChanged(adminsId, adminsCluster, "queued", "pending", "validating");
            register(alice.key(), alicesCluster);

            assertThat(aliceSees.next(alicesCluster, Duration.ofSeconds(20))).as("her own registration").isNotNull();
            assertThat(adminSees.next(alicesCluster, Duration.ofSeconds(20))).as("an admin sees every cluster").isNotNull();
            assertThat(adminSees.next(adminsCluster, Duration.ofSeconds(5))).isNotNull();
            List<Event> leaked = new ArrayList<>(aliceSees.events); // everything her stream ever sent
            assertThat(leaked).extracting(Event::cluster).doesNotContain(adminsCluster);
            assertThat(aliceSees.next(adminsCluster, Duration.ofSeconds(2))).as("another user's cluster never shows").isNull();
        }
    }

    @Test
    void aPositionTheStreamNeverSentIsA400WithTheField() throws Exception {
        for (String bad : List.of("yesterday", "0-", "-1-5", "0-1.0-2", "0-1-2", "x".repeat(5000))) {
            HttpResponse<InputStream> response = request(ClusterApiTests.ADMIN, bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(body).contains("header Last-Event-ID");
        }
        HttpResponse<InputStream> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString()
                .replaceAll("/$", "") + "/api/v1/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }
}

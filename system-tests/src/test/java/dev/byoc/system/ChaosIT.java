package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.fuzz.FuzzedInputs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The chaos run of issue #14, on the three packaged services as processes (loopback only): each
 * scenario breaks something while clients work, then counts what was lost, what was done twice,
 * the 5xx answers and any answer that crossed a tenant. It prints one row per scenario and the
 * summary line {@code chaos: scenarios=N passed=N lost=0 duplicated=0 5xx=0 crossed=0}.
 *
 * <p>In {@code ./mvnw verify} it runs small ({@code --quick}); {@code bin/byoc-chaos} runs it with
 * {@code -Dbyoc.chaos.full=true}: 1,000 registrations with two SIGKILLs of each service, 100
 * poison records, 10,000 fuzzed bodies, 500 streams.
 */
class ChaosIT {
    private static final boolean FULL = Boolean.getBoolean("byoc.chaos.full");
    private static final int REGISTRATIONS = FULL ? 1000 : 24;
    private static final int KILLS = FULL ? 2 : 1;
    private static final int POISON = FULL ? 100 : 10;
    private static final int FUZZED = FULL ? 10_000 : 300;
    private static final int STREAMS = FULL ? 500 : 40;
    private static final Duration SETTLE = Duration.ofSeconds(FULL ? 600 : 180);
    private static final String KEY = SystemUnderTest.ADMIN_KEY;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One scenario's figures. */
    record Row(String scenario, int attempted, int accepted, int lost, int duplicated, int fiveXx, int crossed,
            double seconds, String note) {
        boolean passed() {
            return lost == 0 && duplicated == 0 && fiveXx == 0 && crossed == 0 && accepted == attempted;
        }
    }

    @Test
    void nothingAcceptedIsLostOrDoneTwiceWhateverFails() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (SystemUnderTest system = new SystemUnderTest()) {
            String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"));
            try {
                for (String service : List.of("registry-service", "provisioner-service", "monitor-service")) {
                    rows.add(crashDuringRegistrations(system, spec, service));
                }
                rows.add(poisonRecords(system, spec));
                rows.add(fuzzedBodies(system, spec));
                rows.add(streamsAtOnce(system, spec));
                rows.add(authMatrix(system, spec));
            } finally {
                print(rows);
                if (rows.stream().anyMatch(r -> !r.passed())) {
                    System.out.println(system.logs());
                }
            }
        }
        assertThat(rows).allMatch(Row::passed);
    }

    // ------------------------------------------------------------------ SIGKILL during registrations

    private Row crashDuringRegistrations(SystemUnderTest system, String spec, String service) throws Exception {
        Instant start = Instant.now();
        String prefix = "k" + service.charAt(0) + "-" + UUID.randomUUID().toString().substring(0, 4) + "-";
        AtomicInteger fiveXx = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        Map<String, String> ids = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < REGISTRATIONS; i++) {
            String name = prefix + i;
            work.add(clients.submit(() -> {
                String id = registerRetrying(system, spec, name, fiveXx);
                if (id != null) {
                    ids.put(name, id);
                    accepted.incrementAndGet();
                }
                return null;
            }));
        }
        for (int kill = 1; kill <= KILLS; kill++) {
            int threshold = REGISTRATIONS * kill / (KILLS + 1);
            while (accepted.get() < threshold) {
                Thread.sleep(20);
            }
            system.crashAndRestart(service);
        }
        for (Future<?> f : work) {
            f.get(10, TimeUnit.MINUTES);
        }
        clients.shutdown();
        Settled settled = settle(system, ids, "running");
        return new Row("SIGKILL " + service + " x" + KILLS + " during " + REGISTRATIONS + " registrations", REGISTRATIONS,
                accepted.get(), settled.lost, settled.duplicated, fiveXx.get(), 0, seconds(start),
                settled.lost == 0 ? "all running" : settled.lost + " not running after " + SETTLE.toSeconds() + " s");
    }

    /** POST with an Idempotency-Key, again while the registry is down or answers 503: a client that retries. */
    private static String registerRetrying(SystemUnderTest system, String spec, String name, AtomicInteger fiveXx)
            throws InterruptedException {
        String body = spec.replace("\"name\": \"demo-01\"", "\"name\": \"" + name + "\"");
        String key = UUID.randomUUID().toString();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(system.registry.url()
                        + "/api/v1/clusters")).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json").header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 201) {
                    return Json.read(answer.body(), JsonNode.class).path("id").asText();
                }
                if (answer.statusCode() >= 500 && answer.statusCode() != 503) {
                    fiveXx.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                // the registry is down (crashed, restarting): try again
            }
            Thread.sleep(200);
        }
        return null;
    }

    private record Settled(int lost, int duplicated) {
    }

    /**
     * Waits until every cluster has reached {@code status}, then reads each one's history (what the
     * registry's projection applied, deduplicated by event id): a type — for status-changed, a
     * target status — that appears twice was done twice. Health observations are not effects and
     * are not counted.
     */
    private static Settled settle(SystemUnderTest system, Map<String, String> ids, String status) throws Exception {
        Set<String> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(ids.keySet());
        Instant deadline = Instant.now().plus(SETTLE);
        while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
            for (String name : List.copyOf(pending)) {
                try {
                    String now = given().baseUri(system.registry.url()).auth().oauth2(KEY).get("/api/v1/clusters/" + name)
                            .then().extract().path("status");
                    if (status.equals(now)) {
                        pending.remove(name);
                    }
                } catch (RuntimeException e) {
                    // a restarting registry
                }
            }
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        int duplicated = 0;
        for (String name : ids.keySet()) {
            List<Map<String, Object>> history = given().baseUri(system.registry.url()).auth().oauth2(KEY)
                    .get("/api/v1/clusters/" + name + "/history").then().statusCode(200).extract().path("$");
            Map<String, Integer> seen = new HashMap<>();
            for (Map<String, Object> event : history) {
                if ("byoc.cluster.health-observed.v1".equals(event.get("type"))) {
                    // an observation is a fact of its own (random id), not an effect: a monitor that restarts
                    // between publishing one and recording its poll may observe the same status again
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) event.get("data");
                String what = event.get("type") + (data.get("to") == null ? "" : "->" + data.get("to"));
                seen.merge(what, 1, Integer::sum);
            }
            if (seen.values().stream().anyMatch(n -> n > 1)) {
                duplicated++;
                System.out.println("done twice for " + name + ": " + seen);
            }
        }
        return new Settled(pending.size(), duplicated);
    }

    // ------------------------------------------------------------------ poison records

    /** Records no consumer can read: each consumer dead-letters every one, and the fleet keeps moving. */
    private Row poisonRecords(SystemUnderTest system, String spec) throws Exception {
        Instant start = Instant.now();
        KafkaTestClient kafka = KafkaTestClient.of(system.kafka);
        Set<String> keys = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < POISON; i++) {
            String key = UUID.randomUUID().toString();
            keys.add(key);
            kafka.produce("byoc.cluster-events", key, "{not json " + i, KafkaTestClient.cloudEvent(
                    UUID.randomUUID().toString(), "byoc.cluster.status-changed.v1", key));
        }
        String name = "poison-after-" + UUID.randomUUID().toString().substring(0, 6);
        AtomicInteger fiveXx = new AtomicInteger();
        String id = registerRetrying(system, spec, name, fiveXx);
        Settled settled = settle(system, id == null ? Map.of() : Map.of(name, id), "running");
        int expected = POISON * 3; // the registry's projection, the provisioner, the monitor
        var dead = kafka.read("byoc.cluster-events.dlq", r -> keys.contains(r.key()), found -> found.size() >= expected,
                Duration.ofSeconds(90));
        int lost = Math.max(0, expected - dead.size()) + settled.lost + (id == null ? 1 : 0);
        return new Row(POISON + " poison records on byoc.cluster-events", POISON, POISON, lost, settled.duplicated,
                fiveXx.get(), 0, seconds(start), dead.size() + " DLQ entries (3 consumers), the registration behind them running");
    }

    // ------------------------------------------------------------------ fuzzed bodies

    private Row fuzzedBodies(SystemUnderTest system, String spec) throws Exception {
        Instant start = Instant.now();
        FuzzedInputs fuzz = new FuzzedInputs(FuzzedInputs.seed(20261201L));
        int fiveXx = 0;
        int crossed = 0;
        String own = AwsStandIn.externalIdOf(AwsStandIn.OWNER);
        for (int i = 0; i < FUZZED; i++) {
            String body = fuzz.body(spec.replace("\"name\": \"demo-01\"", "\"name\": \"fz-" + i + "\""));
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(system.registry.url()
                    + "/api/v1/clusters?dryRun=true")).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() >= 500) {
                fiveXx++;
                System.out.println("5xx for " + body.substring(0, Math.min(300, body.length())) + ": " + answer.body());
            }
            if (answer.body().contains(own)) {
                crossed++; // the full external ID is never in an answer (the prerequisites call aside)
            }
        }
        return new Row(FUZZED + " fuzzed create bodies", FUZZED, FUZZED, 0, 0, fiveXx, crossed, seconds(start),
                "dry runs: nothing stored either way");
    }

    // ------------------------------------------------------------------ streams

    /** Many live streams opened at once, over several users (each under its per-user cap): all answer. */
    private Row streamsAtOnce(SystemUnderTest system, String spec) throws Exception {
        Instant start = Instant.now();
        int perUser = 10;
        int users = (STREAMS + perUser - 1) / perUser;
        List<String[]> targets = new ArrayList<>(); // key, cluster name
        for (int u = 0; u < users; u++) {
            String username = "streamer-" + UUID.randomUUID().toString().substring(0, 6);
            given().baseUri(system.registry.url()).auth().oauth2(KEY).contentType("application/json")
                    .body("{\"username\": \"" + username + "\"}").post("/api/v1/admin/users").then().statusCode(201);
            String key = given().baseUri(system.registry.url()).auth().oauth2(KEY).post("/api/v1/admin/users/" + username
                    + "/keys").then().statusCode(201).extract().path("key");
            String name = "stream-" + u + "-" + UUID.randomUUID().toString().substring(0, 4);
            // the user's own issued ID is used (the spec names none); the stand-in trusts only admin's, so it fails
            // validation later, which changes nothing for its stream
            given().baseUri(system.registry.url()).auth().oauth2(key).contentType("application/json")
                    .body(spec.replace("\"name\": \"demo-01\"", "\"name\": \"" + name + "\"")).post("/api/v1/clusters")
                    .then().statusCode(201);
            targets.add(new String[] {key, name});
        }
        List<java.util.concurrent.CompletableFuture<Boolean>> opened = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<?>> bodies = new ArrayList<>();
        AtomicInteger fiveXx = new AtomicInteger();
        for (int s = 0; s < STREAMS; s++) {
            String[] target = targets.get(s / perUser);
            var first = new java.util.concurrent.CompletableFuture<Boolean>();
            opened.add(first);
            var response = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(system.registry.url() + "/api/v1/clusters/"
                    + target[1] + "/events")).header("Authorization", "Bearer " + target[0]).build(),
                    HttpResponse.BodyHandlers.ofLines());
            bodies.add(response.thenAccept(r -> {
                if (r.statusCode() >= 500) {
                    fiveXx.incrementAndGet();
                }
                if (r.statusCode() != 200) {
                    first.complete(false);
                    return;
                }
                first.complete(r.body().anyMatch(line -> line.startsWith("data:")));
            }));
        }
        int answered = 0;
        for (var first : opened) {
            try {
                answered += first.get(60, TimeUnit.SECONDS) ? 1 : 0;
            } catch (java.util.concurrent.TimeoutException e) {
                // counted as not answered
            }
        }
        bodies.forEach(b -> b.cancel(true));
        return new Row(STREAMS + " live streams opened at once (" + users + " users)", STREAMS, answered, STREAMS - answered, 0,
                fiveXx.get(), 0, seconds(start), "each got its first status");
    }

    // ------------------------------------------------------------------ auth matrix

    /** No key, a bad key, a revoked key: 401; another user's cluster: the same 404 as a name nobody has. */
    private Row authMatrix(SystemUnderTest system, String spec) throws Exception {
        Instant start = Instant.now();
        String registry = system.registry.url();
        String name = "auth-" + UUID.randomUUID().toString().substring(0, 6);
        AtomicInteger fiveXx = new AtomicInteger();
        registerRetrying(system, spec, name, fiveXx);
        String other = "intruder-" + UUID.randomUUID().toString().substring(0, 6);
        given().baseUri(registry).auth().oauth2(KEY).contentType("application/json").body("{\"username\": \"" + other + "\"}")
                .post("/api/v1/admin/users").then().statusCode(201);
        var issued = given().baseUri(registry).auth().oauth2(KEY).post("/api/v1/admin/users/" + other + "/keys").then()
                .statusCode(201).extract();
        String otherKey = issued.path("key");
        var second = given().baseUri(registry).auth().oauth2(KEY).post("/api/v1/admin/users/" + other + "/keys").then()
                .statusCode(201).extract();
        String revoked = second.path("key");
        given().baseUri(registry).auth().oauth2(KEY).delete("/api/v1/admin/users/" + other + "/keys/" + second.path("id"))
                .then().statusCode(204);
        int attempted = 0;
        int refused = 0;
        int crossed = 0;
        List<String> paths = List.of("/api/v1/clusters/" + name, "/api/v1/clusters/" + name + "/history",
                "/api/v1/clusters/" + name + "/events", "/api/v1/clusters");
        for (String path : paths) {
            for (String key : new String[] {null, "not-a-key", revoked}) {
                attempted++;
                var request = given().baseUri(registry);
                int status = (key == null ? request : request.auth().oauth2(key)).get(path).statusCode();
                refused += status == 401 ? 1 : 0;
                fiveXx.addAndGet(status >= 500 ? 1 : 0);
            }
            attempted++;
            var answer = given().baseUri(registry).auth().oauth2(otherKey).get(path);
            boolean hidden = path.equals("/api/v1/clusters") ? !answer.asString().contains(name) : answer.statusCode() == 404;
            refused += hidden ? 1 : 0;
            crossed += hidden ? 0 : 1;
        }
        return new Row("auth matrix (no key, bad key, revoked key, other user) x " + paths.size() + " calls", attempted,
                refused, 0, 0, fiveXx.get(), crossed, seconds(start), "bus: BusSecurityIT, SignedCommandTests");
    }

    // ------------------------------------------------------------------ output

    private static void print(List<Row> rows) {
        StringBuilder out = new StringBuilder("\n");
        out.append(String.format("%-70s %8s %8s %5s %5s %4s %7s %8s  %s%n", "scenario", "tried", "ok", "lost", "dup", "5xx",
                "crossed", "seconds", "result"));
        for (Row r : rows) {
            out.append(String.format("%-70s %8d %8d %5d %5d %4d %7d %8.1f  %s (%s)%n", r.scenario(), r.attempted(), r.accepted(),
                    r.lost(), r.duplicated(), r.fiveXx(), r.crossed(), r.seconds(), r.passed() ? "passed" : "FAILED", r.note()));
        }
        out.append(String.format("chaos: scenarios=%d passed=%d lost=%d duplicated=%d 5xx=%d crossed=%d%n", rows.size(),
                rows.stream().filter(Row::passed).count(), rows.stream().mapToInt(Row::lost).sum(),
                rows.stream().mapToInt(Row::duplicated).sum(), rows.stream().mapToInt(Row::fiveXx).sum(),
                rows.stream().mapToInt(Row::crossed).sum()));
        System.out.println(out);
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }
}

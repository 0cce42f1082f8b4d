package dev.byoc.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.Producers;
import dev.byoc.contracts.Topics;
import dev.byoc.contracts.bus.BusPrincipals;
import dev.byoc.support.CrashPoint;
import dev.byoc.support.CrashPoints;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.PostgresServer;
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
    private static final int RACED = FULL ? 100 : 20;
    private static final Duration OUTAGE = Duration.ofSeconds(FULL ? 30 : 6);
    /** Each outage-row client's pause between registrations: about 16 a second in all (quick: 8). */
    private static final Duration PACE = Duration.ofMillis(FULL ? 250 : 500);
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

    /**
     * On a broker and (when the machine has a PostgreSQL installation to start one from) a database
     * of its own, so the outage rows can stop and start them without touching other tests.
     */
    @Test
    void nothingAcceptedIsLostOrDoneTwiceWhateverFails() throws Exception {
        List<Row> rows = new ArrayList<>();
        PostgresServer ownDatabase = PostgresServer.ofItsOwn().orElse(null);
        KafkaBroker ownBroker = KafkaBroker.start();
        try (SystemUnderTest system = new SystemUnderTest(ownDatabase == null ? PostgresServer.shared() : ownDatabase,
                ownBroker)) {
            String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"));
            try {
                // first, while nothing else is in flight: each window of item 2, a crash exactly there
                rows.add(killAtWindow(system, spec, "registry-service", CrashPoint.REGISTRATION_COMMITTED));
                rows.add(killAtWindow(system, spec, "registry-service", CrashPoint.OUTBOX_PUBLISHED));
                rows.add(killAtWindow(system, spec, "provisioner-service", CrashPoint.VALIDATION_PUBLISHED));
                rows.add(killAtWindow(system, spec, "monitor-service", CrashPoint.STATUS_COMMITTED));
                rows.add(killAtWindow(system, spec, "monitor-service", CrashPoint.ANNOUNCEMENT_PUBLISHED));
                for (String service : List.of("registry-service", "provisioner-service", "monitor-service")) {
                    rows.add(crashDuringRegistrations(system, spec, service));
                }
                rows.add(outageDuringRegistrations(system, spec, "broker", ownBroker::pause, ownBroker::restart));
                if (ownDatabase != null) {
                    rows.add(outageDuringRegistrations(system, spec, "PostgreSQL", ownDatabase::pause, ownDatabase::resume));
                } else {
                    System.out.println("chaos: no PostgreSQL installation to start a server of its own: no database outage row");
                }
                rows.add(racingReplicas(system, spec));
                rows.add(poisonRecords(system, spec));
                rows.add(fuzzedBodies(system, spec));
                rows.add(streamsAtOnce(system, spec));
                rows.add(authMatrix(system, spec));
                rows.add(busAuthMatrix(system, spec));
            } finally {
                print(rows);
                if (rows.stream().anyMatch(r -> !r.passed())) {
                    System.out.println(system.logs());
                }
            }
        } finally {
            ownBroker.stop();
        }
        assertThat(rows).allMatch(Row::passed);
    }

    // ------------------------------------------------------------------ a crash inside each window

    /**
     * Restarts one service with {@code BYOC_CRASH_AT} naming the window, registers a cluster (a
     * client that retries with its Idempotency-Key), waits for the service to halt there, starts
     * it again as it normally runs, and checks the cluster reaches running with each effect once in
     * its history. The note gives what the topic holds for the cluster: copies of one id are the
     * crash's duplicates, which consumers dropped.
     */
    private Row killAtWindow(SystemUnderTest system, String spec, String service, CrashPoint point) throws Exception {
        Instant start = Instant.now();
        system.restart(service, Map.of("BYOC_CRASH_AT", point.id()));
        String name = "w-" + point.id().substring(0, 6) + "-" + UUID.randomUUID().toString().substring(0, 4);
        AtomicInteger fiveXx = new AtomicInteger();
        ExecutorService client = Executors.newSingleThreadExecutor();
        Future<String> registered = client.submit(() -> registerRetrying(system, spec, name, fiveXx));
        int exit = system.process(service).awaitExit(Duration.ofSeconds(90));
        boolean halted = exit == CrashPoints.EXIT_STATUS;
        system.restart(service, Map.of());
        String id = registered.get(4, TimeUnit.MINUTES);
        client.shutdown();
        Settled settled = settle(system, id == null ? Map.of() : Map.of(name, id), "running");
        String copies = "";
        if (id != null) {
            var records = KafkaTestClient.of(system.kafka).read("byoc.cluster-events", r -> id.equals(r.key()), found -> false,
                    Duration.ofSeconds(3));
            long distinct = records.stream().map(r -> KafkaTestClient.header(r, "ce_id")).distinct().count();
            copies = records.size() + " records, " + distinct + " ids on the topic";
        }
        return new Row("SIGKILL at " + point.id() + " (" + service + ")", 1, halted ? 1 : 0,
                settled.lost + (id == null ? 1 : 0), settled.duplicated, fiveXx.get(), 0, seconds(start),
                (halted ? "halted there, running after restart; " : "did not halt there (exit " + exit + "); ") + copies);
    }

    // ------------------------------------------------------------------ broker / database outage

    /**
     * Clients register (retrying with their Idempotency-Key) while the broker or PostgreSQL stops
     * for a while and starts again: every answer is a 201 or a 503 (a refused connection while the
     * registry's database is away), every accepted cluster reaches running with each effect once,
     * and nothing about them is dead-lettered.
     */
    private Row outageDuringRegistrations(SystemUnderTest system, String spec, String what, Runnable stop, Runnable start)
            throws Exception {
        Instant began = Instant.now();
        String prefix = "o" + Character.toLowerCase(what.charAt(0)) + "-" + UUID.randomUUID().toString().substring(0, 4) + "-";
        AtomicInteger fiveXx = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger tried = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean going = new java.util.concurrent.atomic.AtomicBoolean(true);
        Map<String, String> ids = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            // each client registers one cluster after another (retrying each until accepted) for the whole outage
            work.add(clients.submit(() -> {
                while (going.get()) {
                    String name = prefix + tried.getAndIncrement();
                    String id = registerRetrying(system, spec, name, fiveXx, unavailable, Duration.ofMillis(250));
                    if (id != null) {
                        ids.put(name, id);
                        accepted.incrementAndGet();
                    }
                    // paced, so the pipeline behind stays within reach of SETTLE
                    Thread.sleep(PACE.toMillis());
                }
                return null;
            }));
        }
        while (accepted.get() < 4 && work.stream().anyMatch(f -> !f.isDone())) {
            Thread.sleep(20);
        }
        int before = accepted.get();
        stop.run();
        Thread.sleep(OUTAGE.toMillis());
        int during = accepted.get() - before;
        start.run();
        Thread.sleep(3000); // and some more after it is back
        going.set(false);
        for (Future<?> f : work) {
            f.get(10, TimeUnit.MINUTES);
        }
        clients.shutdown();
        Settled settled = settle(system, ids, "running");
        Set<String> clusterIds = Set.copyOf(ids.values());
        int dead = KafkaTestClient.of(system.kafka).read("byoc.cluster-events.dlq", r -> clusterIds.contains(r.key()),
                found -> false, Duration.ofSeconds(5)).size();
        return new Row(what + " stopped " + OUTAGE.toSeconds() + " s and started during registrations", tried.get(),
                accepted.get(), settled.lost + dead, settled.duplicated, fiveXx.get(), 0, seconds(began),
                during + " accepted while it was away, " + unavailable.get() + " answers 503, " + dead + " dead letters, "
                        + (settled.lost == 0 ? "all running" : settled.lost + " not running"));
    }

    // ------------------------------------------------------------------ two registry replicas

    /** The same names sent twice to each of two registry replicas at once: each name is registered once. */
    private Row racingReplicas(SystemUnderTest system, String spec) throws Exception {
        Instant start = Instant.now();
        ServiceProcess second = system.replica("registry-service");
        String prefix = "race-" + UUID.randomUUID().toString().substring(0, 4) + "-";
        ExecutorService clients = Executors.newFixedThreadPool(8);
        Map<String, List<Future<HttpResponse<String>>>> answers = new HashMap<>();
        for (int i = 0; i < RACED; i++) {
            String name = prefix + i;
            String body = spec.replace("\"name\": \"demo-01\"", "\"name\": \"" + name + "\"");
            List<Future<HttpResponse<String>>> four = new ArrayList<>();
            for (String url : List.of(system.registry.url(), second.url(), system.registry.url(), second.url())) {
                four.add(clients.submit(() -> HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/clusters"))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString())));
            }
            answers.put(name, four);
        }
        Map<String, String> ids = new HashMap<>();
        int lost = 0;
        int duplicated = 0;
        int fiveXx = 0;
        for (var entry : answers.entrySet()) {
            List<String> created = new ArrayList<>();
            for (Future<HttpResponse<String>> f : entry.getValue()) {
                HttpResponse<String> answer = f.get(2, TimeUnit.MINUTES);
                fiveXx += answer.statusCode() >= 500 ? 1 : 0;
                if (answer.statusCode() == 201) {
                    created.add(Json.read(answer.body(), JsonNode.class).path("id").asText());
                } else if (answer.statusCode() != 409) {
                    System.out.println("race " + entry.getKey() + ": " + answer.statusCode() + " " + answer.body());
                }
            }
            lost += created.isEmpty() ? 1 : 0;
            duplicated += created.size() > 1 ? 1 : 0;
            if (!created.isEmpty()) {
                ids.put(entry.getKey(), created.get(0));
            }
        }
        clients.shutdown();
        Settled settled = settle(system, ids, "running");
        return new Row("two registry replicas racing " + RACED + " names (4 POSTs each)", RACED, ids.size(),
                lost + settled.lost, duplicated + settled.duplicated, fiveXx, 0, seconds(start),
                "one 201 and three 409 per name, each registered once");
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
            while (accepted.get() < threshold && work.stream().anyMatch(f -> !f.isDone())) {
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
        return registerRetrying(system, spec, name, fiveXx, new AtomicInteger(), Duration.ofMillis(200));
    }

    private static String registerRetrying(SystemUnderTest system, String spec, String name, AtomicInteger fiveXx,
            AtomicInteger unavailable, Duration pause) throws InterruptedException {
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
                if (answer.statusCode() >= 400 && answer.statusCode() < 500 && answer.statusCode() != 429) {
                    // the request itself is wrong (a bug of the scenario): retrying cannot help
                    System.out.println("refused " + name + ": " + answer.statusCode() + " " + answer.body());
                    return null;
                }
                if (answer.statusCode() == 503) {
                    unavailable.incrementAndGet();
                } else if (answer.statusCode() >= 500) {
                    fiveXx.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                // the registry is down (crashed, restarting): try again
            }
            Thread.sleep(pause.toMillis());
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
                refused, 0, 0, fiveXx.get(), crossed, seconds(start), "every refusal a 401 or a 404");
    }

    /**
     * The bus from plain Kafka clients: anonymous and wrong-password clients get nowhere, a
     * principal cannot write where it has no job, an unsigned command is rejected and creates
     * nothing, and an event claiming another producer is dead-lettered by all three consumers and
     * tears nothing down. Each refusal that did not happen is counted as crossed.
     */
    private Row busAuthMatrix(SystemUnderTest system, String spec) throws Exception {
        Instant start = Instant.now();
        Map<String, Object> anonymous = system.kafka.clientSettings(null);
        Map<String, Object> wrong = new HashMap<>(system.kafka.clientSettings(BusPrincipals.OPS));
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"byoc-ops\" password=\"not-the-password\";");
        List<String> topics = FULL ? List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_COMMANDS, Topics.CLUSTER_STATE,
                Topics.CLUSTER_EVENTS_DLQ) : List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_COMMANDS);
        Map<String, java.util.concurrent.Callable<Throwable>> refusals = new java.util.LinkedHashMap<>();
        for (String topic : topics) {
            refusals.put("anonymous writes " + topic, () -> BusSecurityIT.send(anonymous, topic, "{}"));
            refusals.put("wrong password writes " + topic, () -> BusSecurityIT.send(wrong, topic, "{}"));
            refusals.put("wrong password reads " + topic, () -> BusSecurityIT.poll(wrong, topic));
        }
        refusals.put("ops writes events", () -> BusSecurityIT.send(system.kafka.clientSettings(BusPrincipals.OPS),
                Topics.CLUSTER_EVENTS, "{}"));
        refusals.put("producer writes events", () -> BusSecurityIT.send(system.kafka.clientSettings(BusPrincipals.PRODUCER),
                Topics.CLUSTER_EVENTS, "{}"));
        refusals.put("provisioner writes commands", () -> BusSecurityIT.send(system.kafka.clientSettings(
                BusPrincipals.PROVISIONER), Topics.CLUSTER_COMMANDS, "{}"));
        refusals.put("monitor writes commands", () -> BusSecurityIT.send(system.kafka.clientSettings(BusPrincipals.MONITOR),
                Topics.CLUSTER_COMMANDS, "{}"));
        ExecutorService clients = Executors.newFixedThreadPool(refusals.size());
        Map<String, Future<Throwable>> tried = new java.util.LinkedHashMap<>();
        refusals.forEach((what, call) -> tried.put(what, clients.submit(call)));
        int crossed = 0;
        for (var attempt : tried.entrySet()) {
            if (attempt.getValue().get(60, TimeUnit.SECONDS) == null) {
                crossed++;
                System.out.println("bus: not refused: " + attempt.getKey());
            }
        }
        clients.shutdown();

        // an unsigned command from the principal allowed to write commands: rejected, nothing created
        String unsignedId = UUID.randomUUID().toString();
        String unsignedName = "unsigned-" + unsignedId.substring(0, 6);
        String command = "{\"actingUser\": \"admin\", \"request\": "
                + spec.replace("\"name\": \"demo-01\"", "\"name\": \"" + unsignedName + "\"") + "}";
        new KafkaTestClient(system.kafka.clientSettings(BusPrincipals.PRODUCER)).produce(Topics.CLUSTER_COMMANDS, unsignedName,
                command, KafkaTestClient.cloudEvent(unsignedId, "byoc.cluster.register.v1", unsignedName));
        KafkaTestClient ops = new KafkaTestClient(system.kafka.clientSettings(BusPrincipals.OPS));
        var rejected = ops.read(Topics.CLUSTER_EVENTS, r -> r.value().contains(unsignedId)
                && "byoc.cluster.command-rejected.v1".equals(KafkaTestClient.header(r, "ce_type")), found -> !found.isEmpty(),
                Duration.ofSeconds(30));
        int lost = rejected.size() == 1 ? 0 : 1;
        if (given().baseUri(system.registry.url()).auth().oauth2(KEY).get("/api/v1/clusters/" + unsignedName).statusCode() != 404) {
            crossed++;
        }

        // a deleted event claiming to come from the monitor, about a running cluster
        String victim = "victim-" + UUID.randomUUID().toString().substring(0, 6);
        AtomicInteger fiveXx = new AtomicInteger();
        String victimId = registerRetrying(system, spec, victim, fiveXx);
        Settled settled = settle(system, victimId == null ? Map.of() : Map.of(victim, victimId), "running");
        String forged = UUID.randomUUID().toString();
        String deleted = "{\"clusterId\": \"" + victimId + "\", \"name\": \"" + victim + "\", \"owner\": \"admin\", "
                + "\"spec\": {\"region\": \"us-east-1\", \"roleArn\": \"arn:aws:iam::111122223333:role/byoc-demo-01\", "
                + "\"bucketName\": \"byoc-demo-01-bucket\", \"eksClusterName\": \"demo-01\", \"instanceTypes\": [], "
                + "\"performanceProfile\": \"default\", \"strict\": false}, \"force\": false, "
                + "\"deletedAt\": \"2026-01-01T00:00:00Z\"}";
        // as the super user: the ACLs keep every principal but the registry's off the events topic
        KafkaTestClient.of(system.kafka).produce(Topics.CLUSTER_EVENTS, victimId, deleted,
                KafkaTestClient.cloudEvent(forged, "byoc.cluster.deleted.v2", victimId, Producers.MONITOR));
        var dead = ops.read(Topics.CLUSTER_EVENTS_DLQ, r -> forged.equals(KafkaTestClient.header(r, "ce_id")),
                found -> found.size() >= 3, Duration.ofSeconds(30));
        lost += dead.size() == 3 ? 0 : 1;
        if (!"running".equals(given().baseUri(system.registry.url()).auth().oauth2(KEY).get("/api/v1/clusters/" + victim)
                .then().extract().path("status"))) {
            crossed++;
        }
        int attempted = refusals.size() + 2;
        return new Row("bus auth matrix (anonymous, wrong password, wrong principal, unsigned, forged producer)", attempted,
                attempted - crossed, lost + settled.lost, settled.duplicated, fiveXx.get(), crossed, seconds(start),
                refusals.size() + " clients refused, unsigned command rejected, forged deleted: " + dead.size() + " DLQ entries");
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

package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many registrations per second the registry accepts (POST → 201: the cluster row, its name,
 * the outbox row and the history in one transaction), next to what this PostgreSQL does with
 * one-row autocommit inserts from as many clients at the same moment — the anchor a write path
 * with one commit per request can approach. Prints its numbers; asserts only that every request
 * was accepted. Run on request: {@code ./mvnw -o verify -pl registry-service -Pbenchmark}
 * (-Dbyoc.bench.registrations, -Dbyoc.bench.clients, -Dbyoc.bench.warm-up).
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class RegistrationBenchmarkTests {
    @TestHTTPResource("/api/v1/clusters")
    URL clusters;
    @Inject
    AgroalDataSource dataSource;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @Test
    void acceptRateNextToPostgresInserts() throws Exception {
        int registrations = Integer.getInteger("byoc.bench.registrations", 3000);
        int clients = Integer.getInteger("byoc.bench.clients", 8);
        // as many as are measured: on two cores the JIT compilers keep a core busy for the first
        // thousands of requests, and a steady state is what the figures are about
        int warmUp = Integer.getInteger("byoc.bench.warm-up", registrations);
        // HTTP/1.1, so each client thread has a connection of its own, as separate users would: the
        // JDK client otherwise upgrades to HTTP/2 and multiplexes every client over one connection,
        // which the server handles on one event loop, i.e. on one core
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(clients)).build();
        String run = UUID.randomUUID().toString().substring(0, 6);

        // the anchor on a quiet database, then right after the registrations, whose outbox relay
        // and projection keep PostgreSQL busy for a while
        Result quiet = insertRows(registrations, clients);
        register(http, "warm-" + run, warmUp, clients); // JIT, pools, schema caches
        register(http, "warm-dry-" + run, warmUp, clients, "?dryRun=true");
        Result validateOnly = register(http, "dry-" + run, registrations, clients, "?dryRun=true");
        Result api = register(http, "bench-" + run, registrations, clients);
        Result anchor = insertRows(registrations, clients);
        assertThat(api.failures()).as("every registration accepted").isZero();

        System.out.printf("""

                ==== registration benchmark (%d requests, %d clients) ====
                POST /api/v1/clusters → 201     : %8.0f /s   p50 %.1f ms  p99 %.1f ms
                the same, ?dryRun=true (HTTP, auth, validation; no database) : %8.0f /s   p50 %.1f ms  p99 %.1f ms
                anchor: 1-row autocommit insert : %8.0f /s   p50 %.1f ms  p99 %.1f ms  (same PostgreSQL, same clients, right after)
                anchor on a quiet database      : %8.0f /s   p50 %.1f ms  p99 %.1f ms
                registry / anchor               : %.2f   registry / quiet anchor : %.2f
                ==========================================================
                %n""", registrations, clients, api.perSecond(), api.p50(), api.p99(),
                validateOnly.perSecond(), validateOnly.p50(), validateOnly.p99(),
                anchor.perSecond(), anchor.p50(), anchor.p99(), quiet.perSecond(), quiet.p50(), quiet.p99(),
                api.perSecond() / anchor.perSecond(), api.perSecond() / quiet.perSecond());
    }

    record Result(double perSecond, double p50, double p99, int failures) {
        static Result of(long[] nanos, double seconds, int failures) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Result(nanos.length / seconds, sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6, failures);
        }
    }

    private Result register(HttpClient http, String prefix, int count, int clients) throws Exception {
        return register(http, prefix, count, clients, "");
    }

    private Result register(HttpClient http, String prefix, int count, int clients, String query) throws Exception {
        int expected = query.isEmpty() ? 201 : 200;
        return timed(count, clients, i -> {
            String name = (prefix + "-" + i).substring(0, Math.min(40, (prefix + "-" + i).length()));
            HttpRequest request = HttpRequest.newBuilder(URI.create(clusters.toString() + query))
                    .header("Authorization", "Bearer " + ClusterApiTests.ADMIN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Specs.grid(name))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == expected;
        });
    }

    private Result insertRows(int count, int clients) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists public.bench_anchor (id uuid primary key, body text not null)");
            s.execute("truncate public.bench_anchor");
        }
        String body = Specs.grid("anchor");
        java.util.Queue<Connection> opened = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                // connections of its own: the service's JDBC pool is sized for Flyway, not for a load
                Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, "");
                opened.add(c);
                return c;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return timed(count, clients, i -> {
                try (PreparedStatement s = connections.get().prepareStatement(
                        "insert into public.bench_anchor (id, body) values (?, ?)")) {
                    s.setObject(1, UUID.randomUUID());
                    s.setString(2, body);
                    return s.executeUpdate() == 1;
                }
            });
        } finally {
            for (Connection c : opened) {
                c.close();
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("drop table public.bench_anchor");
            }
        }
    }

    @FunctionalInterface
    interface Call {
        boolean run(int i) throws Exception;
    }

    private static Result timed(int count, int clients, Call call) throws Exception {
        long[] nanos = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < clients; w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long t = System.nanoTime();
                    try {
                        if (!call.run(i)) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    nanos[i] = System.nanoTime() - t;
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return Result.of(nanos, seconds, failures.get());
    }
}

package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent PATCH and DELETE on one cluster (issue #14 item 6): no edit is lost silently (each
 * is applied on top of the other, or refused with 409), and no {@code updated} is ever recorded
 * after {@code deleted}.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class ConcurrentWriteTests {
    private static final ExecutorService THREADS = Executors.newFixedThreadPool(8);
    private static final String AWS_TYPES = "{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"instance_types\": "
            + "[{\"name\": \"%s\"}]}}}}}";
    private static final String PROFILE = "{\"spec\": {\"performance_profile\": \"%s\"}}";

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    @AfterAll
    static void stop() {
        THREADS.shutdownNow();
    }

    @Test
    void twoConcurrentEditsOfDifferentFieldsAreBothApplied() throws Exception {
        for (int round = 0; round < 10; round++) {
            String name = ClusterApiTests.unique("race-edit");
            register(name);
            String type = round % 2 == 0 ? "m5.2xlarge" : "c5.4xlarge";
            List<Response> answers = together(
                    () -> patch(name, AWS_TYPES.formatted(type)),
                    () -> patch(name, PROFILE.formatted("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING")));
            assertThat(answers).extracting(Response::statusCode).as("round " + round).allMatch(s -> s == 200 || s == 409);
            Response now = ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name);
            if (answers.get(0).statusCode() == 200) {
                assertThat(now.jsonPath().getString("spec.driver.kubernetes.aws.instance_types[0].name")).as("round " + round)
                        .isEqualTo(type);
            }
            if (answers.get(1).statusCode() == 200) {
                assertThat(now.jsonPath().getString("spec.performance_profile")).as("round " + round)
                        .isEqualTo("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING");
            }
            long applied = answers.stream().filter(a -> a.statusCode() == 200).count();
            assertThat(types(name)).as("round " + round + ": one updated per applied edit")
                    .containsExactlyElementsOf(expected("byoc.cluster.requested.v2", (int) applied));
        }
    }

    @Test
    void anEditRacingADeleteIsNeverRecordedAfterIt() throws Exception {
        for (int round = 0; round < 10; round++) {
            String name = ClusterApiTests.unique("race-delete");
            register(name);
            List<Response> answers = together(
                    () -> patch(name, AWS_TYPES.formatted("m5.2xlarge")),
                    () -> patch(name, PROFILE.formatted("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING")),
                    () -> ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/clusters/" + name));
            assertThat(answers.get(2).statusCode()).as("round " + round).isEqualTo(202);
            assertThat(answers.subList(0, 2)).extracting(Response::statusCode).as("round " + round)
                    .allMatch(s -> s == 200 || s == 409);
            List<String> types = types(name);
            assertThat(types.get(types.size() - 1)).as("round " + round + ": " + types).isEqualTo("byoc.cluster.deleted.v2");
            long edits = answers.subList(0, 2).stream().filter(a -> a.statusCode() == 200).count();
            assertThat(types.stream().filter(t -> t.startsWith("byoc.cluster.updated")).count()).as("round " + round)
                    .isEqualTo(edits);
        }
    }

    private static List<String> expected(String first, int updates) {
        List<String> types = new ArrayList<>(List.of(first));
        for (int i = 0; i < updates; i++) {
            types.add("byoc.cluster.updated.v2");
        }
        return types;
    }

    private static void register(String name) {
        ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body(Specs.grid(name))
                .post("/api/v1/clusters").then().statusCode(201);
    }

    private static Response patch(String name, String body) {
        return ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/merge-patch+json").body(body)
                .patch("/api/v1/clusters/" + name);
    }

    /** Starts every call at the same moment and waits for all. */
    @SafeVarargs
    private static List<Response> together(Supplier<Response>... calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (Supplier<Response> call : calls) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return call.get();
            }, THREADS));
        }
        start.countDown();
        List<Response> answers = new ArrayList<>();
        for (CompletableFuture<Response> future : futures) {
            answers.add(future.get());
        }
        return answers;
    }

    /** The event types in the cluster's outbox, in the order the relay publishes them. */
    private List<String> types(String name) throws Exception {
        List<String> types = new ArrayList<>();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("select o.type from outbox o join clusters c "
                + "on c.id = o.cluster_id where c.name = ? and c.owner = 'admin' order by o.id")) {
            s.setString(1, name);
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    types.add(r.getString(1));
                }
            }
        }
        return types;
    }
}

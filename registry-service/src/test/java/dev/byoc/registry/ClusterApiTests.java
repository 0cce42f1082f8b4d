package dev.byoc.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The REST API on the real broker and PostgreSQL: intake, rules, errors, auth, pagination. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class ClusterApiTests {
    static final String ADMIN = "test-admin-key";
    static final String AWS = "spec.driver.kubernetes.aws.";

    @TestHTTPResource(value = "/", management = true)
    java.net.URL managementUrl;

    static RequestSpecification as(String key) {
        return given().auth().oauth2(key);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh user with its own key. */
    static String newUserKey() {
        String username = unique("user");
        as(ADMIN).contentType("application/json").body("{\"username\": \"" + username + "\"}")
                .post("/api/v1/admin/users").then().statusCode(201);
        return as(ADMIN).post("/api/v1/admin/users/" + username + "/keys").then().statusCode(201).extract().path("key");
    }

    @Test
    void gridSpecPastedVerbatimIsRegisteredQueuedAndPublished() {
        String name = unique("grid");
        String id = as(ADMIN).contentType("application/json").body(Specs.grid(name))
                .when().post("/api/v1/clusters")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/clusters/" + name))
                .body("name", equalTo(name)).body("type", equalTo("byoc")).body("status", equalTo("queued"))
                .body("spec.driver.kubernetes.aws.external_id", equalTo(ExternalIds.mask(AwsStandIn.externalIdOf(AwsStandIn.OWNER))))
                .body("spec.driver.kubernetes.aws.region", equalTo("us-east-1"))
                .extract().path("id");

        as(ADMIN).get("/api/v1/clusters/" + name).then().statusCode(200)
                .body("id", equalTo(id)).body("spec.driver.kubernetes.aws.external_id", equalTo(ExternalIds.mask(AwsStandIn.externalIdOf(AwsStandIn.OWNER))));

        var records = KafkaTestClient.shared().read("byoc.cluster-events", r -> id.equals(r.key()),
                found -> !found.isEmpty(), Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        assertThat(KafkaTestClient.header(records.get(0), "ce_type")).isEqualTo("byoc.cluster.requested.v2");
        assertThat(KafkaTestClient.header(records.get(0), "ce_subject")).isEqualTo(id);
        assertThat(KafkaTestClient.header(records.get(0), "ce_specversion")).isEqualTo("1.0");
        assertThat(KafkaTestClient.header(records.get(0), "content-type")).isEqualTo("application/json");
        assertThat(records.get(0).value()).contains("\"name\":\"" + name + "\"");
    }

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                Arguments.of("region", "us-east-1a", AWS + "region", "give the region, not an availability zone"),
                Arguments.of("region", "mars-1", AWS + "region", "not an AWS region"),
                Arguments.of("role_arn", "arn:aws:iam::12345:role/x", AWS + "role_arn", "not an IAM role ARN"),
                Arguments.of("external_id", "x", AWS + "external_id", "2-1224"),
                Arguments.of("bucket_name", "192.168.1.1", AWS + "bucket_name", "IP address"),
                Arguments.of("bucket_name", "Bad_Bucket", AWS + "bucket_name", "lower-case"),
                Arguments.of("eks_cluster_name", "-eks", AWS + "eks_cluster_name", "EKS cluster name"),
                Arguments.of("instance_types", List.of(java.util.Map.of("name", "m6g.large")), AWS + "instance_types[0].name",
                        "Graviton"),
                Arguments.of("bogus", "x", AWS + "bogus", "unknown key"));
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void eachRuleRejectsWithItsPathAndStoresNothing(String field, Object value, String path, String message) {
        String name = unique("rule");
        as(ADMIN).contentType("application/json").body(Specs.withAws(name, field, value))
                .when().post("/api/v1/clusters")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", containsString("invalid-request")).body("title", equalTo("The request breaks the cluster rules"))
                .body("errors.path", hasItem(path)).body("errors.message", hasItem(containsString(message)));
        as(ADMIN).get("/api/v1/clusters/" + name).then().statusCode(404);
    }

    /** Here nothing listens at the provisioner's URL (the test profile's port 1): the preview is 503, nothing changed. */
    @Test
    void aDeletePreviewWithTheProvisionerDownIs503AndDeletesNothing() {
        String name = unique("down");
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters").then().statusCode(201);
        as(ADMIN).queryParam("dryRun", true).delete("/api/v1/clusters/" + name).then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", "5")
                .body("type", containsString("provisioner-unavailable")).body("detail", containsString("nothing was changed"));
        as(ADMIN).get("/api/v1/clusters/" + name).then().statusCode(200).body("status", equalTo("queued"));
    }

    @Test
    void clusterNameRulesUseTheSeedExamples() {
        for (String bad : List.of("foo_01", "-foo", "Foo", "foo..bar")) {
            as(ADMIN).contentType("application/json").body(Specs.grid(bad)).post("/api/v1/clusters")
                    .then().statusCode(400).body("errors.path", hasItem("name"));
        }
        as(ADMIN).contentType("application/json").body(Specs.grid("foo-01")).queryParam("dryRun", true)
                .post("/api/v1/clusters").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void duplicateKeysAreRejectedWithTheirPath() {
        String body = Specs.grid(unique("dup")).replace("\"region\": \"us-east-1\",", "\"region\": \"us-east-1\", \"region\": \"eu-west-1\",");
        as(ADMIN).contentType("application/json").body(body).post("/api/v1/clusters")
                .then().statusCode(400).body("errors[0].path", equalTo(AWS + "region"))
                .body("errors[0].message", containsString("duplicate key"));
        as(ADMIN).contentType("application/json").body("{\"name\": \"a\", \"name\": \"b\"}").post("/api/v1/clusters")
                .then().statusCode(400).body("errors[0].path", equalTo("name"));
    }

    @Test
    void malformedJsonIsAProblemNotACrash() {
        as(ADMIN).contentType("application/json").body("{\"name\": ").post("/api/v1/clusters")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].message", containsString("not valid JSON"));
    }

    @Test
    void dryRunValidatesWithoutCreating() {
        String name = unique("dry");
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).queryParam("dryRun", true)
                .post("/api/v1/clusters").then().statusCode(200).body("dryRun", equalTo(true));
        as(ADMIN).get("/api/v1/clusters/" + name).then().statusCode(404);
    }

    @Test
    void aTakenNameIsAConflict() {
        String name = unique("taken");
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters").then().statusCode(201);
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString(name));
    }

    @Test
    void aCreateRetriedWithItsIdempotencyKeyGetsTheOriginal201AndPublishesOnce() {
        String name = unique("retried");
        String key = UUID.randomUUID().toString();
        String id = as(ADMIN).contentType("application/json").header("Idempotency-Key", key).body(Specs.grid(name))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        // the same request again (whitespace differs: the content counts, not the bytes)
        as(ADMIN).contentType("application/json").header("Idempotency-Key", key).body(Specs.grid(name).replace("\n", " "))
                .post("/api/v1/clusters").then().statusCode(201).body("id", equalTo(id))
                .header("Location", endsWith("/api/v1/clusters/" + name));
        // the key for another request: refused, nothing stored
        String other = unique("other");
        as(ADMIN).contentType("application/json").header("Idempotency-Key", key).body(Specs.grid(other))
                .post("/api/v1/clusters").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("different request"));
        as(ADMIN).get("/api/v1/clusters/" + other).then().statusCode(404);
        // without the key, the same name is the usual conflict
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters").then().statusCode(409);
        // a bad key is a 400 naming the header
        as(ADMIN).contentType("application/json").header("Idempotency-Key", "has space").body(Specs.grid(unique("k")))
                .post("/api/v1/clusters").then().statusCode(400).body("errors[0].path", equalTo("header Idempotency-Key"));

        var records = KafkaTestClient.shared().read("byoc.cluster-events", r -> id.equals(r.key()),
                found -> !found.isEmpty(), Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
    }

    /**
     * Keys are scoped to their owner: another user sending the same key (guessed, or a shared
     * client library's counter) creates a cluster of their own and never learns about the first.
     */
    @Test
    void anIdempotencyKeyBelongsToItsOwnerAlone() {
        String key = UUID.randomUUID().toString();
        String mine = unique("keyed");
        String myId = as(ADMIN).contentType("application/json").header("Idempotency-Key", key).body(Specs.grid(mine))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        String other = newUserKey();
        // the same request under the same key: a new cluster of the other user's, not the first one's 201
        String theirId = as(other).contentType("application/json").header("Idempotency-Key", key).body(Specs.grid(mine, null))
                .post("/api/v1/clusters").then().statusCode(201).extract().path("id");
        assertThat(theirId).isNotEqualTo(myId);
        // and another request under it: accepted too (the key is theirs to use), not the 422 that names my cluster
        String second = unique("theirs");
        as(other).contentType("application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Specs.grid(second, null)).post("/api/v1/clusters").then().statusCode(201);
        String reused = as(other).contentType("application/json").header("Idempotency-Key", key)
                .body(Specs.grid(unique("again"), null)).post("/api/v1/clusters").then().statusCode(422).extract().asString();
        assertThat(reused).doesNotContain(myId);
        as(ADMIN).get("/api/v1/clusters/" + mine).then().statusCode(200).body("id", equalTo(myId));
    }

    @Test
    void twoRetriesRacingWithOneKeyCreateOneCluster() throws Exception {
        String name = unique("racing");
        String key = UUID.randomUUID().toString();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<io.restassured.response.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> as(ADMIN).contentType("application/json").header("Idempotency-Key", key)
                        .body(Specs.grid(name)).post("/api/v1/clusters")));
            }
            List<String> ids = new ArrayList<>();
            for (var answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(201);
                ids.add(answer.get().jsonPath().getString("id"));
            }
            assertThat(ids).hasSize(4).containsOnly(ids.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysetPaginationIsNewestFirstAndStableUnderInserts() {
        String key = newUserKey();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = unique("page" + i);
            as(key).contentType("application/json").body(Specs.grid(name, null)).post("/api/v1/clusters").then().statusCode(201);
            created.add(0, name);
        }
        var first = as(key).queryParam("limit", 2).get("/api/v1/clusters").then().statusCode(200)
                .body("items", hasSize(2)).extract();
        List<String> seen = new ArrayList<>(first.path("items.name"));
        String next = first.path("next");
        // a cluster created between pages must not shift the next page
        as(key).contentType("application/json").body(Specs.grid(unique("late"), null)).post("/api/v1/clusters").then().statusCode(201);
        while (next != null) {
            var page = as(key).queryParam("limit", 2).queryParam("after", next).get("/api/v1/clusters").then().statusCode(200).extract();
            seen.addAll(page.path("items.name"));
            next = page.path("next");
        }
        assertThat(seen).containsExactlyElementsOf(created);
        as(key).queryParam("status", "running").get("/api/v1/clusters").then().statusCode(200).body("items", hasSize(0));
        as(key).queryParam("status", "queued").get("/api/v1/clusters").then().statusCode(200).body("items", hasSize(6));
        as(key).queryParam("status", "sleeping").get("/api/v1/clusters").then().statusCode(400).body("errors[0].path", equalTo("status"));
    }

    @Test
    void everyCallNeedsAValidKey() {
        given().get("/api/v1/clusters").then().statusCode(401).contentType("application/problem+json");
        as("not-a-key").get("/api/v1/clusters").then().statusCode(401);
        // health lives on the management interface, not on the API port
        given().get("/q/health/live").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        String management = "http://127.0.0.1:" + managementUrl.getPort();
        given().baseUri(management).get("/q/health/live").then().statusCode(200);
        given().baseUri(management).get("/q/metrics").then().statusCode(200)
                .body(containsString("byoc_outbox_backlog"));
        // so does the API description: the public port carries only the API
        given().get("/q/openapi").then().statusCode(404);
        given().baseUri(management).get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/aws/prerequisites"));
    }

    @Test
    void aRevokedKeyStopsWorking() {
        String username = unique("rev");
        as(ADMIN).contentType("application/json").body("{\"username\": \"" + username + "\"}").post("/api/v1/admin/users")
                .then().statusCode(201);
        var issued = as(ADMIN).post("/api/v1/admin/users/" + username + "/keys").then().statusCode(201).extract();
        String key = issued.path("key");
        as(key).get("/api/v1/clusters").then().statusCode(200);
        as(ADMIN).delete("/api/v1/admin/users/" + username + "/keys/" + issued.path("id")).then().statusCode(204);
        as(key).get("/api/v1/clusters").then().statusCode(401);
        as(key).contentType("application/json").body("{\"username\": \"x\"}").post("/api/v1/admin/users").then().statusCode(401);
    }

    @Test
    void anotherUsersClusterIsNotFound() {
        String alice = newUserKey();
        String bob = newUserKey();
        String name = unique("mine");
        as(alice).contentType("application/json").body(Specs.grid(name, null)).post("/api/v1/clusters").then().statusCode(201);
        as(bob).get("/api/v1/clusters/" + name).then().statusCode(404);
        as(bob).delete("/api/v1/clusters/" + name).then().statusCode(404);
        as(bob).contentType("application/json").body("{\"username\": \"x\"}").post("/api/v1/admin/users").then().statusCode(403);
        as(bob).get("/api/v1/clusters").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void wrongMediaTypeAndOversizedBodies() {
        as(ADMIN).contentType("text/plain").body(Specs.grid(unique("txt"))).post("/api/v1/clusters")
                .then().statusCode(415).contentType("application/problem+json");
        String huge = Specs.grid(unique("big")).replace("\"cost_factor\": 1.0", "\"cost_factor\": \"" + "x".repeat(70_000) + "\"");
        as(ADMIN).contentType("application/json").body(huge).post("/api/v1/clusters").then().statusCode(413);
    }

    @Test
    void editAndDelete() {
        String name = unique("edit");
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters").then().statusCode(201);
        as(ADMIN).contentType("application/merge-patch+json")
                .body("{\"spec\": {\"performance_profile\": \"CLUSTER_PERFORMANCE_PROFILE_COST_SAVING\", "
                        + "\"driver\": {\"kubernetes\": {\"aws\": {\"instance_types\": [{\"name\": \"c5.2xlarge\"}]}}}}}")
                .patch("/api/v1/clusters/" + name)
                .then().statusCode(200)
                .body("spec.performance_profile", equalTo("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING"))
                .body("spec.driver.kubernetes.aws.instance_types[0].name", equalTo("c5.2xlarge"));
        as(ADMIN).contentType("application/merge-patch+json")
                .body("{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"region\": \"eu-west-1\"}}}}}")
                .patch("/api/v1/clusters/" + name)
                .then().statusCode(400).body("errors[0].path", equalTo(AWS + "region"));

        as(ADMIN).delete("/api/v1/clusters/" + name).then().statusCode(202)
                .body("cluster.status", equalTo("terminating"));
        as(ADMIN).get("/api/v1/clusters/" + name).then().statusCode(200).body("status", equalTo("terminating"))
                .body("reason", equalTo("deletion requested")).body("reasonCode", equalTo("deletion-requested"));
        as(ADMIN).delete("/api/v1/clusters/" + name).then().statusCode(202);
        as(ADMIN).contentType("application/merge-patch+json").body("{\"spec\": {\"performance_profile\": \"default\"}}")
                .patch("/api/v1/clusters/" + name).then().statusCode(409);
    }

    @Test
    void forceDeleteSaysNoResourcesAreDeletedAndFreesTheName() {
        String name = unique("force");
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters").then().statusCode(201);
        as(ADMIN).queryParam("force", true).delete("/api/v1/clusters/" + name).then().statusCode(202)
                .body("message", containsString("does not delete any resources"))
                .body("cluster.status", equalTo("deleted")).body("cluster.reasonCode", equalTo("force-deleted"));
        as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters").then().statusCode(201)
                .body("reasonCode", equalTo("requested"));
        as(ADMIN).queryParam("includeDeleted", true).get("/api/v1/clusters").then().statusCode(200)
                .body("items.findAll { it.name == '" + name + "' }.status", org.hamcrest.Matchers.containsInAnyOrder("queued", "deleted"));
    }

    @Test
    void clusterContextMustBeAnOwnCluster() {
        String key = newUserKey();
        String name = unique("ctx");
        as(key).get("/api/v1/users/me/cluster-context").then().statusCode(404);
        as(key).contentType("application/json").body(Specs.grid(name, null)).post("/api/v1/clusters").then().statusCode(201);
        as(key).contentType("application/json").body("{\"cluster\": \"" + name + "x\"}").put("/api/v1/users/me/cluster-context")
                .then().statusCode(404).body("detail", containsString(name));
        as(key).contentType("application/json").body("{\"cluster\": \"" + name + "\"}").put("/api/v1/users/me/cluster-context")
                .then().statusCode(200).body("cluster", equalTo(name));
        as(key).get("/api/v1/users/me/cluster-context").then().statusCode(200).body("cluster", equalTo(name))
                .body("reason", nullValue());
    }
}

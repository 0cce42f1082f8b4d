package dev.byoc.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The tenant boundary at the registry (issue 11): issued external IDs, prerequisites, refusals of
 * any other ID and of the platform's own account, per-owner names, and another user's cluster
 * answering exactly like a name that does not exist.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class TenantBoundaryTests {
    static final String AWS = "spec.driver.kubernetes.aws.";

    record User(String name, String key) {
        String externalId() {
            return AwsStandIn.externalIdOf(name);
        }
    }

    static User newUser(String prefix) {
        String username = ClusterApiTests.unique(prefix);
        ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json").body("{\"username\": \"" + username + "\"}")
                .post("/api/v1/admin/users").then().statusCode(201);
        String key = ClusterApiTests.as(ClusterApiTests.ADMIN).post("/api/v1/admin/users/" + username + "/keys").then()
                .statusCode(201).extract().path("key");
        return new User(username, key);
    }

    static ExtractableResponse<Response> register(User user, String body) {
        return ClusterApiTests.as(user.key()).contentType("application/json").body(body).post("/api/v1/clusters").then()
                .extract();
    }

    @Test
    void prerequisitesGiveEachUserTheirOwnIdThePrincipalAndTheTrustPolicy() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        ExtractableResponse<Response> answer = ClusterApiTests.as(alice.key()).get("/api/v1/aws/prerequisites").then()
                .statusCode(200).header("Cache-Control", containsString("no-store")).extract();
        JsonNode body = Json.read(answer.asString(), JsonNode.class);
        assertThat(body.path("externalId").asText()).isEqualTo(alice.externalId()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(body.path("principalArn").asText()).isEqualTo(AwsStandIn.PLATFORM_PRINCIPAL_ARN);
        JsonNode statement = body.path("trustPolicy").path("Statement").get(0);
        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(statement.path("Principal").path("AWS").asText()).isEqualTo(AwsStandIn.PLATFORM_PRINCIPAL_ARN);
        assertThat(statement.at("/Condition/StringEquals/sts:ExternalId").asText()).isEqualTo(alice.externalId());
        assertThat(body.path("terraformVars").asText())
                .contains("platform_principal_arn = \"" + AwsStandIn.PLATFORM_PRINCIPAL_ARN + "\"")
                .containsPattern("external_id += \"" + alice.externalId() + "\"");

        String bobs = ClusterApiTests.as(bob.key()).get("/api/v1/aws/prerequisites").then().statusCode(200)
                .extract().path("externalId");
        assertThat(bobs).isEqualTo(bob.externalId()).isNotEqualTo(alice.externalId());
        given().get("/api/v1/aws/prerequisites").then().statusCode(401);
    }

    @Test
    void anyExternalIdButTheCallersIssuedOneIsRefusedAndChangesNothing() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String name = ClusterApiTests.unique("stolen");
        // bob knows alice's role ARN and her external ID (e.g. from an old record): it buys nothing
        ExtractableResponse<Response> refused = register(bob, Specs.grid(name, alice.name()));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.<String>path("errors[0].path")).isEqualTo(AWS + "external_id");
        assertThat(refused.<String>path("errors[0].message")).contains("external_id_override")
                .contains(ExternalIds.mask(bob.externalId())).contains("byoc clusters prerequisites");
        assertThat(refused.asString()).doesNotContain(alice.externalId()).doesNotContain(bob.externalId());
        // also a made-up one, and the dry run says the same
        assertThat(register(bob, Specs.withAws(name, "external_id", "my-own-choice-1234")).<String>path("errors[0].path"))
                .isEqualTo(AWS + "external_id");
        ClusterApiTests.as(bob.key()).contentType("application/json").queryParam("dryRun", true)
                .body(Specs.grid(name, alice.name())).post("/api/v1/clusters").then().statusCode(400);

        ClusterApiTests.as(bob.key()).get("/api/v1/clusters/" + name).then().statusCode(404);
        assertThat(KafkaTestClient.shared().read("byoc.cluster-events", r -> r.value().contains("\"" + name + "\""),
                found -> false, Duration.ofSeconds(2))).as("a refused request publishes nothing").isEmpty();

        // with the issued one, or with none, it is accepted
        assertThat(register(bob, Specs.grid(name, bob.name())).statusCode()).isEqualTo(201);
        assertThat(register(bob, Specs.grid(ClusterApiTests.unique("none"), null)).statusCode()).isEqualTo(201);
    }

    @Test
    void aRoleInThePlatformsOwnAccountIsRefused() {
        User alice = newUser("alice");
        ExtractableResponse<Response> refused = register(alice, Specs.withAws(ClusterApiTests.unique("own"), "role_arn",
                "arn:aws:iam::" + AwsStandIn.PLATFORM_ACCOUNT + ":role/byoc-platform"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.<String>path("errors[0].path")).isEqualTo(AWS + "role_arn");
        assertThat(refused.<String>path("errors[0].message")).contains("platform's own AWS account");
    }

    @Test
    void namesAreUniquePerOwnerAndAnotherUsersNameRevealsNothing() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String name = ClusterApiTests.unique("demo");
        assertThat(register(alice, Specs.grid(name, null)).statusCode()).isEqualTo(201);
        assertThat(register(bob, Specs.grid(name, null)).statusCode()).as("bob may use the same name").isEqualTo(201);
        ExtractableResponse<Response> again = register(bob, Specs.grid(name, null));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.<String>path("detail")).contains("you already have");
        ClusterApiTests.as(alice.key()).get("/api/v1/clusters/" + name).then().statusCode(200);
        ClusterApiTests.as(bob.key()).get("/api/v1/clusters/" + name).then().statusCode(200);
        String alices = ClusterApiTests.as(alice.key()).get("/api/v1/clusters/" + name).then().extract().path("id");
        String bobs = ClusterApiTests.as(bob.key()).get("/api/v1/clusters/" + name).then().extract().path("id");
        assertThat(alices).isNotEqualTo(bobs);
    }

    @Test
    void anotherUsersClusterAnswersExactlyLikeANameThatDoesNotExist() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String name = ClusterApiTests.unique("secret-project");
        assertThat(register(alice, Specs.grid(name, null)).statusCode()).isEqualTo(201);
        String missing = ClusterApiTests.unique("secret-project");

        String patch = "{\"spec\": {\"performance_profile\": \"default\"}}";
        record Call(String what, Function<String, ExtractableResponse<Response>> call) {
        }
        for (Call call : new Call[] {
                new Call("GET", n -> ClusterApiTests.as(bob.key()).get("/api/v1/clusters/" + n).then().extract()),
                new Call("PATCH", n -> ClusterApiTests.as(bob.key()).contentType("application/merge-patch+json").body(patch)
                        .patch("/api/v1/clusters/" + n).then().extract()),
                new Call("DELETE", n -> ClusterApiTests.as(bob.key()).delete("/api/v1/clusters/" + n).then().extract()),
                new Call("DELETE force", n -> ClusterApiTests.as(bob.key()).queryParam("force", true)
                        .delete("/api/v1/clusters/" + n).then().extract()),
                new Call("SSE", n -> ClusterApiTests.as(bob.key()).accept("text/event-stream")
                        .get("/api/v1/clusters/" + n + "/events").then().extract()),
                new Call("history", n -> ClusterApiTests.as(bob.key()).get("/api/v1/clusters/" + n + "/history").then().extract()),
                new Call("context", n -> ClusterApiTests.as(bob.key()).contentType("application/json")
                        .body("{\"cluster\": \"" + n + "\"}").put("/api/v1/users/me/cluster-context").then().extract())}) {
            ExtractableResponse<Response> theirs = call.call().apply(name);
            ExtractableResponse<Response> nobodys = call.call().apply(missing);
            assertThat(theirs.statusCode()).as(call.what()).isEqualTo(404).isEqualTo(nobodys.statusCode());
            assertThat(theirs.asString().replace(name, "NAME")).as(call.what())
                    .isEqualTo(nobodys.asString().replace(missing, "NAME"));
        }
        // and alice's cluster is untouched
        ClusterApiTests.as(alice.key()).get("/api/v1/clusters/" + name).then().statusCode(200)
                .body("status", not(equalTo("terminating")))
                .body("spec.driver.kubernetes.aws.external_id", equalTo(ExternalIds.mask(alice.externalId())));
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    /** Rows written before the change (v1 specs with a plaintext external ID) keep none after V5. */
    @Test
    void theMigrationLeavesNoPlaintextExternalIdInAnyTable() throws Exception {
        String migration = new String(getClass().getResourceAsStream("/db/migration/V5__tenant_boundary.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String secret = "customer-chosen-external-id-0042";
        UUID cluster = UUID.randomUUID();
        String spec = "{\"region\": \"us-east-1\", \"roleArn\": \"" + AwsStandIn.ROLE_ARN + "\", \"externalId\": \"" + secret
                + "\", \"bucketName\": \"b-1-bucket\", \"eksClusterName\": \"legacy\", \"instanceTypes\": [], "
                + "\"performanceProfile\": \"default\", \"strict\": false}";
        String event = "{\"clusterId\": \"" + cluster + "\", \"name\": \"legacy\", \"owner\": \"admin\", \"spec\": " + spec + "}";
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            try (var insert = c.prepareStatement("insert into clusters (id, name, owner, spec, created_at, updated_at, released_at) "
                    + "values (?, 'legacy', 'admin', ?::jsonb, now(), now(), now())")) {
                insert.setObject(1, cluster);
                insert.setString(2, spec);
                insert.executeUpdate();
            }
            try (var insert = c.prepareStatement("insert into outbox (event_id, cluster_id, type, payload, sent_at) "
                    + "values (?, ?, 'byoc.cluster.requested.v1', ?, now())")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setObject(2, cluster);
                insert.setString(3, event);
                insert.executeUpdate();
            }
            try (var insert = c.prepareStatement("insert into cluster_history (event_id, cluster_id, type, data, occurred_at, "
                    + "kafka_partition, kafka_offset) values (?, ?, 'byoc.cluster.requested.v1', ?::jsonb, now(), 0, 0)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setObject(2, cluster);
                insert.setString(3, event);
                insert.executeUpdate();
            }
            s.execute(migration);
            for (String query : new String[] {"select spec::text from clusters where id = '" + cluster + "'",
                    "select payload || type from outbox where cluster_id = '" + cluster + "'",
                    "select data::text from cluster_history where cluster_id = '" + cluster + "'"}) {
                try (var r = s.executeQuery(query)) {
                    assertThat(r.next()).as(query).isTrue();
                    assertThat(r.getString(1)).as(query).doesNotContain(secret).doesNotContain("externalId")
                            .contains(AwsStandIn.ROLE_ARN);
                }
            }
            try (var r = s.executeQuery("select type from outbox where cluster_id = '" + cluster + "'")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo("byoc.cluster.requested.v2");
            }
        }
    }

    @Test
    void aRegisterCommandWithAnotherUsersExternalIdIsRejected() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        String name = ClusterApiTests.unique("cmd-stolen");
        String commandId = UUID.randomUUID().toString();
        KafkaTestClient kafka = KafkaTestClient.shared();
        ServiceAccount bobsProducer = ServiceAccount.actingFor(bob.name());
        bobsProducer.send(name, commandId, "byoc.cluster.register.v1",
                "{\"actingUser\": \"" + bob.name() + "\", \"request\": " + Specs.grid(name, alice.name()) + "}");
        var rejected = kafka.read("byoc.cluster-events", r -> r.value().contains(commandId), found -> !found.isEmpty(),
                Duration.ofSeconds(30));
        assertThat(rejected).hasSize(1);
        assertThat(KafkaTestClient.header(rejected.get(0), "ce_type")).isEqualTo("byoc.cluster.command-rejected.v1");
        JsonNode data = Json.read(rejected.get(0).value(), JsonNode.class);
        assertThat(data.path("errors").get(0).path("path").asText()).isEqualTo("request." + AWS + "external_id");
        assertThat(rejected.get(0).value()).doesNotContain(bob.externalId());
        ClusterApiTests.as(bob.key()).get("/api/v1/clusters/" + name).then().statusCode(404);

        // a command that leaves the external ID out registers with bob's own
        String accepted = ClusterApiTests.unique("cmd-own");
        bobsProducer.send(accepted, UUID.randomUUID().toString(), "byoc.cluster.register.v1",
                "{\"actingUser\": \"" + bob.name() + "\", \"request\": " + Specs.grid(accepted, null) + "}");
        var requested = kafka.read("byoc.cluster-events", r -> r.value().contains("\"" + accepted + "\""),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(KafkaTestClient.header(requested.get(0), "ce_type")).isEqualTo("byoc.cluster.requested.v2");
        assertThat(requested.get(0).value()).doesNotContain("externalId").doesNotContain(bob.externalId());
    }
}

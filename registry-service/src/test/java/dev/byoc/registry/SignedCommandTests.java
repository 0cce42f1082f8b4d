package dev.byoc.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.CommandSignatures;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Signed commands (issue 12, item 4): only a live service account's valid signature gets a command
 * applied, and only for the users the account may act for; everything else is answered with
 * command-rejected (unauthenticated / forbidden) and changes nothing. Real broker, real PostgreSQL.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class SignedCommandTests {
    static final String REGISTER = "byoc.cluster.register.v1";
    static final String REJECTED = "byoc.cluster.command-rejected.v1";
    final KafkaTestClient kafka = KafkaTestClient.shared();

    static String register(String actingUser, String name) {
        return "{\"actingUser\": \"" + actingUser + "\", \"request\": " + Specs.grid(name, null) + "}";
    }

    static TenantBoundaryTests.User newUser(String prefix) {
        return TenantBoundaryTests.newUser(prefix);
    }

    /** The registry's command-rejected answer to {@code commandId}. */
    JsonNode rejectionOf(String commandId) {
        List<ConsumerRecord<String, String>> found = kafka.read("byoc.cluster-events",
                r -> REJECTED.equals(KafkaTestClient.header(r, "ce_type")) && r.value().contains(commandId),
                f -> !f.isEmpty(), Duration.ofSeconds(30));
        assertThat(found).as("command-rejected for " + commandId).hasSize(1);
        JsonNode data = Json.read(found.get(0).value(), JsonNode.class);
        assertThat(data.path("correlationId").asText()).isEqualTo(commandId);
        assertThat(data.path("commandType").asText()).isEqualTo(REGISTER);
        return data;
    }

    /** Every event about cluster {@code name} (waiting {@code wait} for a late one). */
    List<ConsumerRecord<String, String>> eventsNaming(String name, Duration wait) {
        return kafka.read("byoc.cluster-events", r -> r.value().contains("\"" + name + "\""), f -> false, wait);
    }

    void assertRefused(JsonNode rejection, String reason, String path, String message) {
        assertThat(rejection.path("reason").asText()).isEqualTo(reason);
        assertThat(rejection.path("errors")).hasSize(1);
        assertThat(rejection.path("errors").get(0).path("path").asText()).isEqualTo(path);
        assertThat(rejection.path("errors").get(0).path("message").asText()).contains(message);
    }

    void assertNothingRegistered(String owner, String ownerKey, String name) {
        ClusterApiTests.as(ownerKey).get("/api/v1/clusters/" + name).then().statusCode(404);
        assertThat(eventsNaming(name, Duration.ofSeconds(2))).as("nothing published for " + name + " of " + owner)
                .noneMatch(r -> !REJECTED.equals(KafkaTestClient.header(r, "ce_type")));
    }

    @Test
    void aSignedCommandIsApplied() {
        TenantBoundaryTests.User alice = newUser("alice");
        ServiceAccount producer = ServiceAccount.actingFor(alice.name());
        String name = ClusterApiTests.unique("signed");
        producer.send(name, UUID.randomUUID().toString(), REGISTER, register(alice.name(), name));

        var requested = kafka.read("byoc.cluster-events", r -> r.value().contains("\"" + name + "\""),
                f -> !f.isEmpty(), Duration.ofSeconds(30));
        assertThat(KafkaTestClient.header(requested.get(0), "ce_type")).isEqualTo("byoc.cluster.requested.v2");
        assertThat(Json.read(requested.get(0).value(), JsonNode.class).path("owner").asText()).isEqualTo(alice.name());
        ClusterApiTests.as(alice.key()).get("/api/v1/clusters/" + name).then().statusCode(200)
                .body("status", equalTo("queued"));
    }

    @Test
    void anUnsignedCommandIsRefusedAsUnauthenticated() {
        TenantBoundaryTests.User alice = newUser("alice");
        String name = ClusterApiTests.unique("unsigned");
        String commandId = UUID.randomUUID().toString();
        kafka.produce(ServiceAccount.COMMANDS, name, register(alice.name(), name),
                KafkaTestClient.cloudEvent(commandId, REGISTER, name));

        JsonNode rejection = rejectionOf(commandId);
        assertRefused(rejection, "unauthenticated", "byoc-signature", "not signed");
        assertThat(rejection.path("name").isNull()).as("nothing of an unsigned value is repeated").isTrue();
        assertNothingRegistered(alice.name(), alice.key(), name);
    }

    @Test
    void aValueTamperedWithAfterSigningIsRefused() {
        TenantBoundaryTests.User alice = newUser("alice");
        TenantBoundaryTests.User mallory = newUser("mallory");
        ServiceAccount producer = ServiceAccount.anyUser();
        String name = ClusterApiTests.unique("tampered");
        String commandId = UUID.randomUUID().toString();
        Map<String, String> signed = producer.headers(commandId, REGISTER, name, register(alice.name(), name));
        // same headers, but the acting user changed on the way
        kafka.produce(ServiceAccount.COMMANDS, name, register(mallory.name(), name), signed);

        assertRefused(rejectionOf(commandId), "unauthenticated", "byoc-signature", "does not match");
        assertNothingRegistered(mallory.name(), mallory.key(), name);
        assertNothingRegistered(alice.name(), alice.key(), name);

        // a malformed signature and a missing key id are refused the same way
        String malformedId = UUID.randomUUID().toString();
        Map<String, String> malformed = new HashMap<>(signed);
        malformed.put("ce_id", malformedId);
        malformed.put(CommandSignatures.SIGNATURE_HEADER, "sha256=" + signed.get(CommandSignatures.SIGNATURE_HEADER));
        kafka.produce(ServiceAccount.COMMANDS, name, register(alice.name(), name), malformed);
        assertRefused(rejectionOf(malformedId), "unauthenticated", "byoc-signature", "must be v1,");
        String noKeyId = UUID.randomUUID().toString();
        Map<String, String> anonymous = new HashMap<>(producer.headers(noKeyId, REGISTER, name, register(alice.name(), name)));
        anonymous.remove(CommandSignatures.KEY_ID_HEADER);
        kafka.produce(ServiceAccount.COMMANDS, name, register(alice.name(), name), anonymous);
        assertRefused(rejectionOf(noKeyId), "unauthenticated", "byoc-signature", "no byoc-key-id header");
        assertNothingRegistered(alice.name(), alice.key(), name);
    }

    @Test
    void aRevokedOrUnknownKeyIsRefused() {
        TenantBoundaryTests.User alice = newUser("alice");
        ServiceAccount producer = ServiceAccount.anyUser();
        producer.revoke();
        String name = ClusterApiTests.unique("revoked");
        String commandId = UUID.randomUUID().toString();
        producer.send(name, commandId, REGISTER, register(alice.name(), name));
        assertRefused(rejectionOf(commandId), "unauthenticated", "byoc-signature", "unknown or revoked");

        // a key id nobody issued, with a secret derived the platform's way for it: the row decides
        ServiceAccount forged = new ServiceAccount("forged", "sa_000000000000000000000000",
                CommandSignatures.accountSecret(AwsStandIn.EXTERNAL_ID_SECRET, "sa_000000000000000000000000"));
        String forgedId = UUID.randomUUID().toString();
        forged.send(name, forgedId, REGISTER, register(alice.name(), name));
        assertRefused(rejectionOf(forgedId), "unauthenticated", "byoc-signature", "unknown or revoked");
        assertNothingRegistered(alice.name(), alice.key(), name);
    }

    @Test
    void anActingUserOutsideTheAccountsListIsForbidden() {
        TenantBoundaryTests.User alice = newUser("alice");
        TenantBoundaryTests.User bob = newUser("bob");
        ServiceAccount alicesProducer = ServiceAccount.actingFor(alice.name());
        String name = ClusterApiTests.unique("forbidden");
        String commandId = UUID.randomUUID().toString();
        alicesProducer.send(name, commandId, REGISTER, register(bob.name(), name));

        JsonNode rejection = rejectionOf(commandId);
        assertRefused(rejection, "forbidden", "actingUser", "may not act for this user");
        assertThat(rejection.toString()).doesNotContain(bob.externalId());
        assertNothingRegistered(bob.name(), bob.key(), name);
        // "admin" is no exception
        String asAdmin = UUID.randomUUID().toString();
        alicesProducer.send(name, asAdmin, REGISTER, register("admin", name));
        assertRefused(rejectionOf(asAdmin), "forbidden", "actingUser", "may not act for this user");
        ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/clusters/" + name).then().statusCode(404);
    }

    @Test
    void aRefusedCommandDoesNotUseUpItsIdAndAReplayIsAppliedOnce() {
        TenantBoundaryTests.User alice = newUser("alice");
        ServiceAccount producer = ServiceAccount.actingFor(alice.name());
        String name = ClusterApiTests.unique("retry");
        String commandId = UUID.randomUUID().toString();
        String value = register(alice.name(), name);
        // first unsigned (refused), then signed with the same ce_id, twice (a retry and a redelivery)
        kafka.produce(ServiceAccount.COMMANDS, name, value, KafkaTestClient.cloudEvent(commandId, REGISTER, name));
        producer.send(name, commandId, REGISTER, value);
        producer.send(name, commandId, REGISTER, value);
        // and once more unsigned after it was applied: nothing, not even an answer
        kafka.produce(ServiceAccount.COMMANDS, name, value, KafkaTestClient.cloudEvent(commandId, REGISTER, name));

        assertRefused(rejectionOf(commandId), "unauthenticated", "byoc-signature", "not signed");
        kafka.read("byoc.cluster-events", r -> r.value().contains("\"" + name + "\""), f -> !f.isEmpty(), Duration.ofSeconds(30));
        List<String> types = new ArrayList<>();
        for (var r : eventsNaming(name, Duration.ofSeconds(3))) {
            types.add(KafkaTestClient.header(r, "ce_type"));
        }
        assertThat(types).containsExactly("byoc.cluster.requested.v2");
        assertThat(kafka.read("byoc.cluster-events", r -> REJECTED.equals(KafkaTestClient.header(r, "ce_type"))
                && r.value().contains(commandId), f -> false, Duration.ofSeconds(2))).hasSize(1);
        ClusterApiTests.as(alice.key()).get("/api/v1/clusters/" + name).then().statusCode(200);
    }

    // ---- the admin API ----

    static ExtractableResponse<Response> create(String key, String body) {
        return ClusterApiTests.as(key).contentType("application/json").body(body).post("/api/v1/admin/service-accounts")
                .then().extract();
    }

    @Test
    void onlyAdminsManageServiceAccounts() {
        TenantBoundaryTests.User alice = newUser("alice");
        String body = "{\"name\": \"" + ClusterApiTests.unique("sa") + "\", \"actingUsers\": \"*\"}";
        given().contentType("application/json").body(body).post("/api/v1/admin/service-accounts").then().statusCode(401);
        given().get("/api/v1/admin/service-accounts").then().statusCode(401);
        given().delete("/api/v1/admin/service-accounts/x").then().statusCode(401);
        for (ExtractableResponse<Response> denied : List.of(create(alice.key(), body),
                ClusterApiTests.as(alice.key()).get("/api/v1/admin/service-accounts").then().extract(),
                ClusterApiTests.as(alice.key()).delete("/api/v1/admin/service-accounts/x").then().extract())) {
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.contentType()).startsWith("application/problem+json");
        }
        ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/admin/service-accounts").then().statusCode(200);
    }

    @Test
    void anAccountIsCreatedOnceListedWithoutItsSecretAndRevoked() throws Exception {
        String name = ClusterApiTests.unique("ci-team");
        ExtractableResponse<Response> created = create(ClusterApiTests.ADMIN,
                "{\"name\": \"" + name + "\", \"actingUsers\": [\"alice\", \"bob\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        String keyId = created.path("keyId");
        String secret = created.path("secret");
        assertThat(created.<String>path("name")).isEqualTo(name);
        assertThat(keyId).matches("^sa_[0-9a-f]{24}$");
        assertThat(created.<List<String>>path("actingUsers")).containsExactly("alice", "bob");
        assertThat(secret).isEqualTo(CommandSignatures.accountSecret(AwsStandIn.EXTERNAL_ID_SECRET, keyId));

        ExtractableResponse<Response> again = create(ClusterApiTests.ADMIN, "{\"name\": \"" + name + "\", \"actingUsers\": \"*\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");

        String list = ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/admin/service-accounts").then().statusCode(200)
                .body("items.name", hasItem(name)).extract().asString();
        assertThat(list).contains(keyId).doesNotContain(secret).doesNotContain("\"secret\"");

        // the table holds no secret: exactly these columns, and nothing of the secret in them
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (var r = s.executeQuery("select column_name from information_schema.columns where table_schema = "
                    + "'registry' and table_name = 'service_accounts' order by column_name")) {
                while (r.next()) {
                    columns.add(r.getString(1));
                }
            }
            assertThat(columns).containsExactly("acting_users", "created_at", "key_id", "name", "revoked_at");
            try (var r = s.executeQuery("select t::text from service_accounts t where key_id = '" + keyId + "'")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).contains(name).doesNotContain(secret);
            }
        }

        ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/admin/service-accounts/" + name).then().statusCode(204);
        ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/admin/service-accounts/" + name).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        ClusterApiTests.as(ClusterApiTests.ADMIN).get("/api/v1/admin/service-accounts").then()
                .body("items.name", not(hasItem(name)));
        ClusterApiTests.as(ClusterApiTests.ADMIN).queryParam("includeRevoked", true).get("/api/v1/admin/service-accounts")
                .then().body("items.find { it.keyId == '" + keyId + "' }.revokedAt", org.hamcrest.Matchers.notNullValue());
        // the name is free again, with a new key and a new secret
        ExtractableResponse<Response> renewed = create(ClusterApiTests.ADMIN, "{\"name\": \"" + name + "\", \"actingUsers\": \"*\"}");
        assertThat(renewed.statusCode()).isEqualTo(201);
        assertThat(renewed.<String>path("actingUsers")).isEqualTo("*");
        assertThat(renewed.<String>path("keyId")).isNotEqualTo(keyId);
        assertThat(renewed.<String>path("secret")).isNotEqualTo(secret);
    }

    /**
     * An acting user no user can be called (a NUL byte; PostgreSQL would refuse the value) is a
     * broken rule answered with command-rejected, not a stall: the command behind it is applied.
     */
    @Test
    void anActingUserThatCannotBeANameIsRejectedAndTheNextCommandIsApplied() {
        TenantBoundaryTests.User alice = newUser("alice");
        ServiceAccount producer = ServiceAccount.anyUser();
        String bad = UUID.randomUUID().toString();
        String name = ClusterApiTests.unique("after-nul");
        producer.send(name, bad, REGISTER, register("ali\\u0000ce", ClusterApiTests.unique("nul")));
        producer.send(name, UUID.randomUUID().toString(), REGISTER, register(alice.name(), name));

        assertRefused(rejectionOf(bad), "invalid", "actingUser", "existing user");
        ClusterApiTests.as(alice.key()).get("/api/v1/clusters/" + name).then().statusCode(200);
    }

    @Test
    void aBrokenRequestIsRefusedWithEveryFieldPath() {
        ExtractableResponse<Response> refused = create(ClusterApiTests.ADMIN,
                "{\"name\": \"Not A Name\", \"actingUsers\": [\"alice\", \"*\", 7, \"alice\"], \"secret\": \"mine\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.<List<String>>path("errors.path"))
                .containsExactlyInAnyOrder("secret", "name", "actingUsers[1]", "actingUsers[2]", "actingUsers[3]");
        assertThat(create(ClusterApiTests.ADMIN, "{\"name\": \"x-1\"}").<List<String>>path("errors.path"))
                .containsExactly("actingUsers");
        assertThat(create(ClusterApiTests.ADMIN, "{\"name\": \"x-1\", \"actingUsers\": []}").<List<String>>path("errors.path"))
                .containsExactly("actingUsers");
        assertThat(create(ClusterApiTests.ADMIN, "{\"name\": \"x-1\", \"actingUsers\": \"alice\"}")
                .<List<String>>path("errors.path")).containsExactly("actingUsers");
        assertThat(create(ClusterApiTests.ADMIN, "{\"name\": ").statusCode()).isEqualTo(400);
        assertThat(create(ClusterApiTests.ADMIN, "[]").<List<String>>path("errors.path")).containsExactly("$");
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;
}

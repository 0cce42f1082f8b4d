package dev.byoc.system;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsStandIn;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 3, rotation with proof, through the three packaged services, the real broker and
 * PostgreSQL and the real AWS SDK against the stand-in: a rotation to a broken role leaves the
 * cluster running on its role; a rotation to a good one switches, and old-credential-revoked warns
 * until the stand-in refuses the old role, then passes after a verify.
 */
class RotationIT {
    static final String NAME = "rot-01";
    static final String OLD_ROLE = AwsStandIn.ROLE_ARN;
    static final String GOOD_ROLE = "arn:aws:iam::" + AwsStandIn.ACCOUNT + ":role/byoc-rot-01-2026";
    static final String BROKEN_ROLE = "arn:aws:iam::" + AwsStandIn.ACCOUNT + ":role/byoc-rot-01-broken";

    private static SystemUnderTest system;
    private static final List<StubMapping> stubs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest();
    }

    @AfterAll
    static void stop() {
        stubs.forEach(s -> system.aws.server().removeStub(s));
        if (system != null) {
            system.close();
        }
    }

    static RequestSpecification api() {
        return given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY);
    }

    static JsonNode cluster() {
        return Json.read(api().get("/api/v1/clusters/" + NAME).then().statusCode(200).extract().asString(), JsonNode.class);
    }

    static String role(JsonNode cluster) {
        return cluster.path("spec").path("driver").path("kubernetes").path("aws").path("role_arn").asText();
    }

    static String check(JsonNode cluster, String id) {
        for (JsonNode c : cluster.path("validation").path("checks")) {
            if (id.equals(c.path("id").asText())) {
                return c.path("status").asText();
            }
        }
        return null;
    }

    /** AssumeRole of {@code roleArn} (any external ID, or {@code externalId} only) answered by the stand-in. */
    static void stubAssumeRole(String roleArn, String externalId, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        var mapping = post(urlPathEqualTo("/")).atPriority(1)
                .withRequestBody(matching("(?s)(.*&)?Action=AssumeRole(&.*)?"))
                .withRequestBody(containing("RoleArn=" + URLEncoder.encode(roleArn, StandardCharsets.UTF_8)));
        if (externalId != null) {
            mapping = mapping.withRequestBody(containing("ExternalId=" + externalId));
        }
        stubs.add(system.aws.server().stubFor(mapping.willReturn(answer)));
    }

    static String rolePatch(String role) {
        return "{\"spec\": {\"driver\": {\"kubernetes\": {\"aws\": {\"role_arn\": \"" + role + "\"}}}}}";
    }

    /** PATCH of role_arn, then (after a 202) the rotation followed until answered: its final state. */
    static JsonNode rotate(String role) {
        ExtractableResponse<Response> answer = api().contentType("application/merge-patch+json").body(rolePatch(role))
                .patch("/api/v1/clusters/" + NAME).then().extract();
        assertThat(answer.statusCode()).as(answer.asString()).isIn(200, 202, 422);
        JsonNode body = Json.read(answer.asString(), JsonNode.class);
        if (answer.statusCode() != 202) {
            return body;
        }
        String id = body.path("rotation").path("id").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = Json.read(api().get("/api/v1/clusters/" + NAME + "/rotations/" + id).then().statusCode(200).extract()
                    .asString(), JsonNode.class);
            return !"validating".equals(last[0].path("status").asText());
        });
        return last[0];
    }

    static void awaitCluster(String what, java.util.function.Predicate<JsonNode> condition) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> condition.test(cluster()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + ": " + cluster() + "\n" + system.logs(), e);
        }
    }

    @Test
    void aBrokenRoleLeavesTheClusterRunningAndAGoodOneSwitchesWithProofOfTheOldOnesRevocation() throws Exception {
        String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"))
                .replace("\"name\": \"demo-01\"", "\"name\": \"" + NAME + "\"");
        api().contentType("application/json").body(spec).post("/api/v1/clusters").then().statusCode(201);
        awaitCluster("running first", c -> "running".equals(c.path("status").asText()));

        // 1. a role the platform cannot assume: the rotation fails with its checks, the cluster does not
        JsonNode failed = rotate(BROKEN_ROLE);
        // the 422 problem, or the rotation followed after a 202
        JsonNode failedChecks = failed.path("checks");
        assertThat(failed.has("type") ? failed.path("type").asText() : failed.path("status").asText())
                .matches(".*/rotation-failed|failed");
        assertThat(failedChecks.get(0).path("id").asText()).isEqualTo("assume-role");
        assertThat(failedChecks.get(0).path("status").asText()).isEqualTo("fail");
        JsonNode afterFailure = cluster();
        assertThat(afterFailure.path("status").asText()).as("no validation-failed on the cluster").isEqualTo("running");
        assertThat(role(afterFailure)).isEqualTo(OLD_ROLE);
        assertThat(check(afterFailure, "assume-role")).isEqualTo("pass");

        // 2. a role that trusts the platform with admin's issued external ID: switched
        stubAssumeRole(GOOD_ROLE, AwsStandIn.externalIdOf(AwsStandIn.OWNER), WireMock.aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBodyFile("sts/assume-role-demo-01.xml")
                .withTransformers("response-template"));
        JsonNode switched = rotate(GOOD_ROLE);
        assertThat(switched.has("rotation") ? switched.path("rotation").path("status").asText()
                : switched.path("status").asText()).isEqualTo("switched");
        awaitCluster("re-validated on the new role with the proof warning",
                c -> GOOD_ROLE.equals(role(c)) && "warn".equals(check(c, "old-credential-revoked")));
        JsonNode onNewRole = cluster();
        assertThat(onNewRole.path("status").asText()).as("a warning never blocks running").isEqualTo("running");
        assertThat(check(onNewRole, "assume-role")).isEqualTo("pass");

        // 3. the customer removed the platform from the old role's trust policy: a verify proves it
        stubAssumeRole(OLD_ROLE, null, WireMock.aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
                .withBodyFile("sts/access-denied.xml").withTransformers("response-template"));
        api().post("/api/v1/clusters/" + NAME + "/verify").then().statusCode(202);
        awaitCluster("old credential revoked", c -> "pass".equals(check(c, "old-credential-revoked")));
        assertThat(cluster().path("status").asText()).isEqualTo("running");
        assertThat(role(cluster())).isEqualTo(GOOD_ROLE);
    }
}

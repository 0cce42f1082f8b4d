package dev.byoc.provisioner;

import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.byoc.provisioner.Stubs.SCENARIO;
import static dev.byoc.provisioner.Stubs.server;
import static dev.byoc.provisioner.Stubs.stub;
import static dev.byoc.provisioner.TeardownTests.BUCKET;
import static dev.byoc.provisioner.TeardownTests.deleteObjectsRequests;
import static dev.byoc.provisioner.TeardownTests.deleteResult;
import static dev.byoc.provisioner.TeardownTests.listRequests;
import static dev.byoc.provisioner.TeardownTests.listed;
import static dev.byoc.provisioner.TeardownTests.listing;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /internal/v1/teardown-preview on the real AWS SDK against the stand-in: the teardown's own
 * tenant boundary and listing, without deleting anything or saying anything on Kafka; only for the
 * caller holding the internal API secret.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class TeardownPreviewTests {
    static final String SECRET = "test-internal-api-secret-0123456789abcdef";
    static final String PATH = "/internal/v1/teardown-preview";

    UUID clusterId;
    String prefix;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        clusterId = UUID.randomUUID();
        prefix = "byoc/" + clusterId + "/";
    }

    String body(Spec spec) {
        return """
                {"clusterId": "%s", "owner": "%s", "spec": %s}""".formatted(clusterId, spec.owner(), spec.json());
    }

    ValidatableResponse preview(Spec spec) {
        return given().header("Authorization", "Bearer " + SECRET).contentType("application/json").body(body(spec))
                .when().post(PATH).then();
    }

    JsonNode ok(Spec spec) throws Exception {
        return Json.mapper().readTree(preview(spec).statusCode(200).extract().asString());
    }

    static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.isObject() ? n.path("resource").asText() : n.asText()));
        return list;
    }

    @Test
    void previewListsOnlyTheClustersPrefixAndDeletesNothing() throws Exception {
        String theirs = "byoc/" + UUID.randomUUID() + "/";
        listed(prefix, null, listing(prefix, false, null, prefix + "data.json", prefix + "runs/1/log.txt"));
        listed(theirs, null, listing(theirs, false, null, theirs + "data.json"));
        listed("byoc/", null, listing("byoc/", false, null, prefix + "data.json", prefix + "runs/1/log.txt", theirs + "data.json"));

        JsonNode preview = ok(Spec.sandbox());

        assertThat(preview.path("outcome").asText()).isEqualTo("ready");
        assertThat(preview.path("prefix").asText()).isEqualTo("s3://" + BUCKET + "/" + prefix);
        assertThat(preview.path("objectCount").asLong()).isEqualTo(2);
        assertThat(texts(preview.path("objects"))).containsExactly("s3://" + BUCKET + "/" + prefix + "data.json",
                "s3://" + BUCKET + "/" + prefix + "runs/1/log.txt");
        assertThat(texts(preview.path("leftBehind"))).containsExactly(TeardownTests.EKS_ARN, "s3://" + BUCKET,
                AwsStandIn.ROLE_ARN);
        assertThat(preview.path("hint").asText()).contains("terraform destroy");
        assertThat(listRequests()).hasSize(1)
                .allSatisfy(r -> assertThat(r.queryParameter("prefix").firstValue()).isEqualTo(prefix));
        assertThat(deleteObjectsRequests()).isEmpty();
        // assumed with the owner's issued ID only, and the trust probe ran (without an ID, with a wrong one)
        server().verify(1, Stubs.assumeRoleWith(AwsStandIn.externalIdOf(AwsStandIn.OWNER)));
        assertThat(server().findAll(Stubs.assumeRoleRequests(AwsStandIn.ROLE_ARN))).hasSize(3);
        // nothing said on Kafka about the cluster
        assertThat(KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key()), found -> false,
                Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void previewCountsEveryPageButNamesOnlyTheFirstHundred() throws Exception {
        String[] first = IntStream.range(0, 80).mapToObj(i -> prefix + "a/" + String.format("%03d", i)).toArray(String[]::new);
        String[] second = IntStream.range(0, 70).mapToObj(i -> prefix + "b/" + String.format("%03d", i)).toArray(String[]::new);
        listed(prefix, null, listing(prefix, true, "page-2", first));
        listed(prefix, "page-2", listing(prefix, false, null, second));

        JsonNode preview = ok(Spec.sandbox());

        assertThat(preview.path("objectCount").asLong()).isEqualTo(150);
        List<String> objects = texts(preview.path("objects"));
        assertThat(objects).hasSize(100).startsWith("s3://" + BUCKET + "/" + first[0])
                .endsWith("s3://" + BUCKET + "/" + second[19]).doesNotContain("s3://" + BUCKET + "/" + second[20]);
        assertThat(listRequests()).hasSize(2);
        assertThat(deleteObjectsRequests()).isEmpty();
    }

    /** The same plan and listing as the teardown: what the preview names is what the teardown then removes. */
    @Test
    void theTeardownThenRemovesExactlyWhatThePreviewListed() throws Exception {
        listed(prefix, null, listing(prefix, true, "page-2", prefix + "a.json", prefix + "runs/1/log.txt"));
        listed(prefix, "page-2", listing(prefix, false, null, prefix + "runs/2/log.txt"));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("<Key>" + prefix + "a.json</Key>"))
                .willReturn(Stubs.s3Xml(200, deleteResult(prefix + "a.json", prefix + "runs/1/log.txt"))));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("<Key>" + prefix + "runs/2/log.txt</Key>"))
                .willReturn(Stubs.s3Xml(200, deleteResult(prefix + "runs/2/log.txt"))));

        JsonNode preview = ok(Spec.sandbox());
        assertThat(deleteObjectsRequests()).isEmpty();

        String cause = Outcome.send(Outcome.DELETED, clusterId, Spec.sandbox().deleted(clusterId, false));
        Outcome outcome = Outcome.await(clusterId, cause);
        assertThat(outcome.types()).containsExactly(Outcome.TORN_DOWN);
        assertThat(TeardownTests.removed(outcome)).containsExactlyElementsOf(texts(preview.path("objects")));
        assertThat(TeardownTests.leftBehind(outcome)).containsExactlyElementsOf(texts(preview.path("leftBehind")));
        assertThat(outcome.data().path("hint").asText()).isEqualTo(preview.path("hint").asText());
    }

    @Test
    void previewRefusesAnAccountWhoseTrustPolicyDoesNotRequireTheExternalId() throws Exception {
        String open = Stubs.openRole(clusterId);
        listed(prefix, null, listing(prefix, false, null, prefix + "data.json"));

        JsonNode preview = ok(Spec.sandbox().roleArn(open));

        assertThat(preview.path("outcome").asText()).isEqualTo("refused");
        assertThat(preview.path("objectCount").asLong()).isZero();
        assertThat(preview.path("objects").size()).isZero();
        assertThat(preview.path("leftBehind").get(0).path("reason").asText()).contains("the trust policy is open to any caller");
        assertThat(server().findAll(Stubs.bucketRequests(BUCKET))).isEmpty();
        assertThat(server().findAll(Stubs.signedWithTheAssumedRole())).isEmpty();
    }

    @Test
    void previewNeverAssumesARoleInThePlatformsOwnAccountNorOneAnotherOwnersIdCannotAssume() throws Exception {
        String role = "arn:aws:iam::" + AwsStandIn.PLATFORM_ACCOUNT + ":role/byoc-platform-admin";
        JsonNode platform = ok(Spec.sandbox().roleArn(role));
        assertThat(platform.path("outcome").asText()).isEqualTo("refused");
        server().verify(0, Stubs.assumeRoleRequests());

        JsonNode stranger = ok(Spec.sandbox().owner(AwsStandIn.SECOND_OWNER));
        assertThat(stranger.path("outcome").asText()).isEqualTo("no-access");
        server().verify(0, Stubs.assumeRoleWith(AwsStandIn.externalIdOf(AwsStandIn.OWNER)));
        assertThat(server().findAll(Stubs.bucketRequests(BUCKET))).isEmpty();
    }

    @Test
    void onlyTheHolderOfTheSecretMayAsk() {
        given().contentType("application/json").body(body(Spec.sandbox())).when().post(PATH).then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer not-the-secret-" + SECRET).contentType("application/json")
                .body(body(Spec.sandbox())).when().post(PATH).then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("not the internal API secret"));
        given().header("Authorization", "Basic " + SECRET).contentType("application/json").body(body(Spec.sandbox()))
                .when().post(PATH).then().statusCode(401);
        // refused before anything happened in any account
        assertThat(server().findAll(Stubs.assumeRoleRequests())).isEmpty();
    }

    @Test
    void aBrokenRequestIs400() {
        given().header("Authorization", "Bearer " + SECRET).contentType("application/json").body("{\"owner\": \"admin\"}")
                .when().post(PATH).then().statusCode(400).body("detail", containsString("clusterId"));
        given().header("Authorization", "Bearer " + SECRET).contentType("application/json").body("not json")
                .when().post(PATH).then().statusCode(400);
    }
}

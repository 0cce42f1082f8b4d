package dev.byoc.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.byoc.registry.ClusterApiTests.ADMIN;
import static dev.byoc.registry.ClusterApiTests.as;
import static dev.byoc.registry.ClusterApiTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DELETE /api/v1/clusters/{name}?dryRun=true on the real broker and PostgreSQL, the provisioner's
 * internal API stood in for: the tenant rule first, strict parameters, 503 whenever the provisioner
 * does not answer, and never a change (no outbox row, no status change).
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
@WithTestResource(ProvisionerStandIn.class)
class TeardownPreviewApiTests {
    static final String SECRET = "test-internal-api-secret-0123456789abcdef";
    static final String PATH = "/internal/v1/teardown-preview";
    static final String PREVIEW = """
            {"outcome": "ready", "prefix": "s3://byoc-demo-01-bucket/byoc/x/", "objectCount": 2,
             "objects": ["s3://byoc-demo-01-bucket/byoc/x/a.json", "s3://byoc-demo-01-bucket/byoc/x/b.json"],
             "leftBehind": [{"resource": "arn:aws:eks:us-east-1:111122223333:cluster/demo-01", "reason": "yours"},
                            {"resource": "s3://byoc-demo-01-bucket", "reason": "yours"},
                            {"resource": "arn:aws:iam::111122223333:role/byoc-demo-01", "reason": "yours"}],
             "hint": "run `terraform destroy`"}""";

    @Inject
    io.agroal.api.AgroalDataSource dataSource;

    WireMockServer provisioner;
    String name;
    String id;

    @BeforeEach
    void cluster() {
        provisioner = ProvisionerStandIn.server();
        provisioner.resetAll();
        provisioner.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(PREVIEW)));
        name = unique("prev");
        id = as(ADMIN).contentType("application/json").body(Specs.grid(name)).post("/api/v1/clusters")
                .then().statusCode(201).extract().path("id");
    }

    /** The cluster's outbox rows, its write-model version and whether a deletion was asked: what a preview must not change. */
    String state() throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "select (select count(*) from outbox where cluster_id = cast(? as uuid)) || '/' || version || '/' "
                        + "|| coalesce(cast(deleting_at as text), '-') || '/' || updated_at from clusters where id = cast(? as uuid)")) {
            s.setString(1, id);
            s.setString(2, id);
            try (var r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return r.getString(1);
            }
        }
    }

    @Test
    void previewAnswersWhatTheProvisionerListedAndChangesNothing() throws Exception {
        String before = state();
        String status = as(ADMIN).get("/api/v1/clusters/" + name).then().extract().path("status");

        as(ADMIN).queryParam("dryRun", "true").delete("/api/v1/clusters/" + name).then().statusCode(200)
                .body("dryRun", equalTo(true)).body("cluster.name", equalTo(name)).body("cluster.status", equalTo(status))
                .body("message", containsString("nothing was changed"))
                .body("teardown.objectCount", equalTo(2)).body("teardown.objects", hasItem("s3://byoc-demo-01-bucket/byoc/x/a.json"))
                .body("teardown.leftBehind.resource", hasItem("s3://byoc-demo-01-bucket"))
                .body("teardown.hint", containsString("terraform destroy"));

        assertThat(state()).as("outbox rows / version / deletion requested").isEqualTo(before);
        as(ADMIN).get("/api/v1/clusters/" + name).then().body("status", equalTo(status));
        // the provisioner was asked with the shared secret, for this cluster and its owner, with no external ID
        provisioner.verify(1, postRequestedFor(urlPathEqualTo(PATH))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + SECRET))
                .withRequestBody(matchingJsonPath("$.clusterId", WireMock.equalTo(id)))
                .withRequestBody(matchingJsonPath("$.owner", WireMock.equalTo(AwsStandIn.OWNER)))
                .withRequestBody(matchingJsonPath("$.spec.bucketName", WireMock.equalTo("byoc-demo-01-bucket"))));
        assertThat(provisioner.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r -> assertThat(r.getBodyAsString())
                .doesNotContain(AwsStandIn.externalIdOf(AwsStandIn.OWNER)).doesNotContain("externalId"));
    }

    @Test
    void anotherUsersClusterIs404AsForTheRealDeleteAndTheProvisionerIsNotAsked() {
        String stranger = ClusterApiTests.newUserKey();
        as(stranger).queryParam("dryRun", "true").delete("/api/v1/clusters/" + name).then().statusCode(404)
                .contentType("application/problem+json");
        as(stranger).delete("/api/v1/clusters/" + name).then().statusCode(404);
        assertThat(provisioner.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void badFlagsAre400WithTheParameterAndChangeNothing() throws Exception {
        String before = state();
        for (var query : List.of(List.of("force", "true", "dryRun", "true"), List.of("dryRun", "banana"), List.of("dryRun", ""),
                List.of("force", "yes"))) {
            var request = as(ADMIN);
            for (int i = 0; i < query.size(); i += 2) {
                request = request.queryParam(query.get(i), query.get(i + 1));
            }
            String path = query.get(0).equals("force") && query.size() == 4 ? "force" : query.get(0);
            request.delete("/api/v1/clusters/" + name).then().statusCode(400).contentType("application/problem+json")
                    .body("errors.path", hasItem(path));
        }
        assertThat(state()).isEqualTo(before);
        assertThat(provisioner.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aProvisionerThatIsDownSlowOrRefusingIs503WithRetryAfterAndChangesNothing() throws Exception {
        String before = state();
        var failures = List.of(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                aResponse().withFixedDelay(5_000).withStatus(200).withHeader("Content-Type", "application/json").withBody(PREVIEW),
                aResponse().withStatus(403).withHeader("Content-Type", "application/problem+json").withBody("{}"),
                aResponse().withStatus(500).withBody("boom"));
        for (var failure : failures) {
            provisioner.resetAll();
            provisioner.stubFor(post(urlPathEqualTo(PATH)).willReturn(failure));
            long started = System.nanoTime();
            as(ADMIN).queryParam("dryRun", "true").delete("/api/v1/clusters/" + name).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "5")
                    .body("detail", containsString("nothing was changed"));
            // the test profile's timeout is 2 s: a slow provisioner never holds the caller
            assertThat((System.nanoTime() - started) / 1e9).isLessThan(4.5);
        }
        // (a provisioner nobody listens for: ClusterApiTests, whose registry points at a closed port)
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aClusterWhoseTeardownStartedIs409() {
        as(ADMIN).delete("/api/v1/clusters/" + name).then().statusCode(202);
        as(ADMIN).queryParam("dryRun", "true").delete("/api/v1/clusters/" + name).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("already started"));
        assertThat(provisioner.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }
}

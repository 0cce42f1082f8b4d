package dev.byoc.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #17 items 1 and 2 on the packaged services, the real broker and the AWS stand-in: a
 * cluster that failed on {@code external-id-enforced} reaches {@code running} once the stand-in's
 * trust policy is fixed and {@code byoc clusters verify} is run, with no spec change; a running
 * cluster whose trust policy is opened later goes {@code failed} on the drift schedule alone, and
 * the check's {@code since} moves.
 */
class VerifyAndDriftIT {
    /** Short, so the drift part takes seconds; long enough that the verify part is over before a scheduled turn. */
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static SystemUnderTest system;
    private static Path config;
    private StubMapping openTrust;

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest();
        system.restart("registry-service", Map.of("BYOC_REVALIDATE_INTERVAL", INTERVAL.toSeconds() + "s",
                "BYOC_REVALIDATE_TICK", "1s"));
        config = Files.createTempDirectory("byoc-cli-config");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @AfterEach
    void closeTheTrustPolicy() {
        closeTrust();
    }

    /** The demo role's trust policy without its sts:ExternalId condition: AssumeRole works with any external ID or none. */
    private void openTrust() {
        openTrust = system.aws.server().stubFor(post(urlPathEqualTo("/")).atPriority(1)
                .withRequestBody(matching("(?s)(.*&)?Action=AssumeRole(&.*)?"))
                .withRequestBody(containing("RoleArn=" + URLEncoder.encode(AwsStandIn.ROLE_ARN, StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBodyFile("sts/assume-role-demo-01.xml").withTransformers("response-template")));
    }

    /** The customer fixed it (terraform apply): back to the sandbox's policy, which requires the issued ID. */
    private void closeTrust() {
        if (openTrust != null) {
            system.aws.server().removeStub(openTrust);
            openTrust = null;
        }
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.registry.url() + path))
                .header("Authorization", "Bearer " + SystemUnderTest.ADMIN_KEY).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode cluster(String name) throws Exception {
        return Json.read(call("GET", "/api/v1/clusters/" + name, null).body(), JsonNode.class);
    }

    private static JsonNode awaitStatus(String name, String status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode cluster = null;
        while (System.nanoTime() < deadline) {
            cluster = cluster(name);
            if (status.equals(cluster.path("status").asText())) {
                return cluster;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " not " + status + " within " + within + ": " + cluster + "\n" + system.logs());
    }

    private static JsonNode check(JsonNode cluster, String id) {
        for (JsonNode check : cluster.path("validation").path("checks")) {
            if (id.equals(check.path("id").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + id + " in " + cluster);
    }

    private static String register(String name) throws Exception {
        String spec = Files.readString(Path.of(System.getProperty("byoc.root"), "deploy/local/demo-spec.json"))
                .replace("\"demo-01\"", "\"" + name + "\"").replaceFirst("\"eks_cluster_name\": \"" + name + "\"",
                        "\"eks_cluster_name\": \"demo-01\"");
        HttpResponse<String> created = call("POST", "/api/v1/clusters", spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.read(created.body(), JsonNode.class).path("id").asText();
    }

    /** The events of one cluster on byoc.cluster-events, as ops read them. */
    private static List<ConsumerRecord<String, String>> events(String clusterId) {
        return KafkaTestClient.of(system.kafka).read("byoc.cluster-events", r -> clusterId.equals(r.key()), found -> false,
                Duration.ofSeconds(3));
    }

    private static Optional<ConsumerRecord<String, String>> byId(List<ConsumerRecord<String, String>> records, String id) {
        return records.stream().filter(r -> id.equals(KafkaTestClient.header(r, "ce_id"))).findFirst();
    }

    private static CliProcess.Run byoc(String... args) throws Exception {
        return CliProcess.run(config, args);
    }

    @Test
    void aClusterFailedOnAnOpenTrustPolicyRunsAfterTheFixAndAVerifyWithNoEdit() throws Exception {
        String name = "verify-" + UUID.randomUUID().toString().substring(0, 6);
        openTrust();
        String id = register(name);
        JsonNode failed = awaitStatus(name, "failed", Duration.ofSeconds(60));
        assertThat(check(failed, "external-id-enforced").path("status").asText()).isEqualTo("fail");
        assertThat(check(failed, "external-id-enforced").path("remediation").asText())
                .contains("byoc clusters verify " + name).doesNotContain("edit the cluster");
        JsonNode specBefore = failed.path("spec");

        CliProcess.Run login = byoc("login", "--username", "admin", "--key", SystemUnderTest.ADMIN_KEY, "--url", system.registry.url());
        assertThat(login.exit()).as(login.err()).isZero();
        CliProcess.Run stillOpen = byoc("clusters", "verify", name, "--wait", "--timeout", "60s");
        assertThat(stillOpen.exit()).as("a check still fails: exit 1\n" + stillOpen.err()).isEqualTo(1);
        assertThat(stillOpen.out()).contains("external-id-enforced").contains("fail");

        closeTrust();
        CliProcess.Run verified = byoc("clusters", "verify", name, "--wait", "--timeout", "60s");
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("external-id-enforced").doesNotContain("fail");
        JsonNode running = awaitStatus(name, "running", Duration.ofSeconds(60));
        assertThat(running.path("spec")).as("no spec change").isEqualTo(specBefore);
        assertThat(check(running, "external-id-enforced").path("status").asText()).isEqualTo("pass");

        // on the log: the report that passed answers a verify-requested the user asked for
        List<ConsumerRecord<String, String>> log = events(id);
        ConsumerRecord<String, String> validated = log.stream().filter(r -> KafkaTestClient.header(r, "ce_type")
                .startsWith("byoc.cluster.validated.")).reduce((a, b) -> b).orElseThrow();
        String cause = Json.read(validated.value(), JsonNode.class).path("causeEventId").asText();
        ConsumerRecord<String, String> verify = byId(log, cause).orElseThrow();
        assertThat(KafkaTestClient.header(verify, "ce_type")).isEqualTo("byoc.cluster.verify-requested.v1");
        assertThat(Json.read(verify.value(), JsonNode.class).path("trigger").asText()).isEqualTo("user");
        assertThat(log).noneMatch(r -> KafkaTestClient.header(r, "ce_type").startsWith("byoc.cluster.updated."));
    }

    @Test
    void aRunningClusterWhoseTrustPolicyOpensGoesFailedOnTheScheduleAlone() throws Exception {
        String name = "drift-" + UUID.randomUUID().toString().substring(0, 6);
        String id = register(name);
        JsonNode running = awaitStatus(name, "running", Duration.ofSeconds(60));
        Instant passingSince = Instant.parse(check(running, "external-id-enforced").path("since").asText());
        Instant validatedAt = Instant.parse(running.path("lastValidatedAt").asText());

        openTrust(); // nobody calls anything from here on
        JsonNode failed = awaitStatus(name, "failed", INTERVAL.multipliedBy(2).plusSeconds(20));
        assertThat(failed.path("reasonCode").asText()).isEqualTo("validation-failed");
        JsonNode check = check(failed, "external-id-enforced");
        assertThat(check.path("status").asText()).isEqualTo("fail");
        assertThat(Instant.parse(check.path("since").asText())).as("since moved").isAfter(passingSince);
        assertThat(Instant.parse(check(failed, "assume-role").path("since").asText())).as("still passing: unchanged")
                .isEqualTo(Instant.parse(check(running, "assume-role").path("since").asText()));
        assertThat(Instant.parse(failed.path("lastValidatedAt").asText())).isAfter(validatedAt);

        List<ConsumerRecord<String, String>> log = events(id);
        ConsumerRecord<String, String> report = log.stream().filter(r -> KafkaTestClient.header(r, "ce_type")
                .startsWith("byoc.cluster.validation-failed.")).reduce((a, b) -> b).orElseThrow();
        String cause = Json.read(report.value(), JsonNode.class).path("causeEventId").asText();
        JsonNode verify = Json.read(byId(log, cause).orElseThrow().value(), JsonNode.class);
        assertThat(verify.path("trigger").asText()).isEqualTo("scheduled");
    }
}

package dev.byoc.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.PostgresServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The customer's path on this machine: the registry's prerequisites as Terraform variables, the
 * module's byoc_cluster output rendered from example.tfvars with them, and that output accepted by
 * the packaged registry ({@code POST /api/v1/clusters?dryRun=true}) and by the CLI reading it from
 * stdin ({@code byoc clusters aws --spec-file - --dry-run}), on the real broker and PostgreSQL.
 */
class TerraformOutputDryRunIT {
    private static final String ADMIN_KEY = "deploy-checks-admin-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Process registry;
    private static Path log;
    private static String url;

    @BeforeAll
    static void startRegistry() throws Exception {
        Path root = Repo.root();
        Path jar = root.resolve("registry-service/target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged registry (this module builds after registry-service)").exists();
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopics(KafkaResource.TOPICS);
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase("byoc_deploy");
        int port = freePort();
        int management = freePort();
        log = Files.createTempFile("byoc-deploy-checks-registry-", ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_SASL_PASSWORD", KafkaBroker.PASSWORD);
        env.put("BYOC_DB_URL", postgres.url(database));
        env.put("BYOC_DB_USER", postgres.user());
        env.put("BYOC_BOOTSTRAP_API_KEY", ADMIN_KEY);
        env.put("BYOC_EXTERNAL_ID_SECRET", AwsStandIn.EXTERNAL_ID_SECRET);
        env.put("BYOC_AWS_PLATFORM_PRINCIPAL_ARN", AwsStandIn.PLATFORM_PRINCIPAL_ARN);
        registry = builder.start();
        url = "http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            assertThat(registry.isAlive()).as("registry exited:\n" + tail()).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(Instant.now()).as("registry not ready:\n" + tail()).isBefore(deadline);
            Thread.sleep(250);
        }
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.destroy();
            if (!registry.waitFor(20, TimeUnit.SECONDS)) {
                registry.destroyForcibly();
            }
        }
    }

    @Test
    void theOutputRenderedWithThePrerequisitesIsAcceptedByTheRegistryAndTheCli() throws Exception {
        // 1. byoc clusters prerequisites --output tfvars: the registry's terraformVars, read as a .tfvars file
        HttpResponse<String> prerequisites = HTTP.send(authorized(URI.create(url + "/api/v1/aws/prerequisites")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prerequisites.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(prerequisites.body());
        Map<String, Object> tfvars = TerraformModule.tfvars(body.path("terraformVars").asText());
        assertThat(tfvars).containsOnlyKeys("platform_principal_arn", "external_id");
        assertThat(tfvars.get("external_id")).isEqualTo(body.path("externalId").asText());

        // 2. terraform apply with example.tfvars and those (the byoc.auto.tfvars the README writes)
        Map<String, Object> vars = TerraformModuleTests.exampleWith((String) tfvars.get("external_id"));
        vars.put("platform_principal_arn", tfvars.get("platform_principal_arn"));
        ObjectNode output = (ObjectNode) TerraformModule.output("byoc_cluster", vars, TerraformModuleTests.SANDBOX_ACCOUNT);

        // 3. the registry accepts it as is
        HttpResponse<String> dryRun = post(output);
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
        assertThat(JSON.readTree(dryRun.body()).path("valid").asBoolean()).isTrue();

        // ... and refuses the example's placeholder external ID, at its path (the tenant rule)
        ObjectNode placeholder = (ObjectNode) TerraformModule.output("byoc_cluster",
                TerraformModuleTests.exampleWith("replace-with-your-issued-external-id"), TerraformModuleTests.SANDBOX_ACCOUNT);
        HttpResponse<String> refused = post(placeholder);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("spec.driver.kubernetes.aws.external_id");

        // 4. terraform output -json byoc_cluster | byoc clusters aws --spec-file - --dry-run
        Path dir = Path.of(System.getProperty("user.dir"), "target", "terraform-output");
        Files.createDirectories(dir);
        Path rendered = dir.resolve("byoc_cluster.json");
        Files.writeString(rendered, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(output) + "\n");
        Path cli = Repo.path("cli/target/byoc.jar");
        assertThat(cli).as("the packaged CLI").exists();
        ProcessBuilder pipe = new ProcessBuilder(javaBin(), "-jar", cli.toString(), "clusters", "aws", "--spec-file", "-", "--dry-run")
                .redirectInput(rendered.toFile()).redirectErrorStream(true);
        pipe.environment().put("BYOC_URL", url);
        pipe.environment().put("BYOC_API_KEY", ADMIN_KEY);
        pipe.environment().put("HOME", Files.createTempDirectory("byoc-cli-home").toString());
        Process run = pipe.start();
        String printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(printed).isZero();
        assertThat(printed).contains("demo-01");

        // nothing was created
        HttpResponse<String> list = HTTP.send(authorized(URI.create(url + "/api/v1/clusters")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("demo-01");
    }

    private static HttpResponse<String> post(JsonNode body) throws Exception {
        return HTTP.send(authorized(URI.create(url + "/api/v1/clusters?dryRun=true"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN_KEY);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail() {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(log));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A free port below Linux's ephemeral range (as the system tests pick theirs). */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }
}

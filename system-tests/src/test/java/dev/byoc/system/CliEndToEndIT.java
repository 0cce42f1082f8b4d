package dev.byoc.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.testsupport.AwsStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real `byoc` jar, as a process, against the three packaged services on the real broker. */
class CliEndToEndIT {
    private static SystemUnderTest system;
    private static Path config;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest();
        config = Files.createTempDirectory("byoc-cli-config");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** Runs the CLI with no BYOC_URL/BYOC_API_KEY: only what `byoc login` stored. */
    private static Run byoc(String... args) throws Exception {
        CliProcess.Run run = CliProcess.run(config, args);
        return new Run(run.exit(), run.out(), run.err());
    }

    @Test
    void theReferenceVerbsEndToEnd() throws Exception {
        assertThat(byoc("login", "--username", "admin", "--key", "wrong-key", "--url", system.registry.url()).exit()).isEqualTo(4);
        Run login = byoc("login", "--username", "admin", "--key", SystemUnderTest.ADMIN_KEY, "--url", system.registry.url());
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("byoc/credentials"))))
                .isEqualTo("rw-------");

        Run prerequisites = byoc("clusters", "prerequisites", "--output", "json");
        assertThat(prerequisites.exit()).as(prerequisites.err()).isZero();
        assertThat(prerequisites.out()).contains(AwsStandIn.externalIdOf("admin")).contains(AwsStandIn.PLATFORM_PRINCIPAL_ARN);

        Run create = byoc("clusters", "aws", "cli-01", "--role-arn", AwsStandIn.ROLE_ARN,
                "--external-id", AwsStandIn.externalIdOf("admin"),
                "--region", "us-east-1", "--bucket-name", AwsStandIn.BUCKET, "--eks-cluster-name", "demo-01",
                "--wait", "--timeout", "60s");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.err() + create.out()).contains("running");

        Run list = byoc("clusters", "--output", "json");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("\"cli-01\"").contains("\"running\"");

        Run describe = byoc("clusters", "describe", "cli-01");
        assertThat(describe.exit()).isZero();
        assertThat(describe.out()).contains("assume-role").contains("external-id-enforced").contains("quotas");

        Run edit = byoc("edit", "cluster", "cli-01", "--cost-savings");
        assertThat(edit.exit()).as(edit.err()).isZero();

        assertThat(byoc("user", "set-cluster-context", "cli-01").exit()).isZero();
        Run wrongContext = byoc("user", "set-cluster-context", "cli-0");
        assertThat(wrongContext.exit()).isEqualTo(2);
        assertThat(wrongContext.err()).contains("cli-01");

        Run preview = byoc("delete", "cluster", "cli-01", "--dry-run");
        assertThat(preview.exit()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("remove 0 objects under s3://" + AwsStandIn.BUCKET + "/byoc/")
                .contains("leave behind (3):").contains(AwsStandIn.ROLE_ARN).contains("terraform destroy");
        assertThat(preview.err()).contains("nothing was changed");
        Run stillThere = byoc("clusters", "--output", "json");
        assertThat(stillThere.out()).contains("\"cli-01\"").doesNotContain("\"terminating\"");

        Run delete = byoc("delete", "cluster", "cli-01", "--yes", "--wait", "--timeout", "60s");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out() + delete.err()).contains("terraform destroy");
    }

    @Test
    void waitTimesOutWithExitThreeOnAClusterThatNeverBecomesReady() throws Exception {
        system.aws.server().stubFor(get(urlPathEqualTo("/clusters/never-ready")).atPriority(1).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"cluster\": {\"name\": \"never-ready\", \"status\": \"CREATING\", \"createdAt\": 1764000000}}")));
        byoc("login", "--username", "admin", "--key", SystemUnderTest.ADMIN_KEY, "--url", system.registry.url());
        long started = System.nanoTime();
        Run run = byoc("clusters", "aws", "slow-01", "--role-arn", AwsStandIn.ROLE_ARN,
                "--region", "us-east-1", "--bucket-name", AwsStandIn.BUCKET, "--eks-cluster-name", "never-ready",
                "--wait", "--timeout", "8s");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(run.exit()).as(run.err()).isEqualTo(3);
        assertThat(seconds).isLessThan(30);
    }
}

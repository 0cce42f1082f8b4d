package dev.byoc.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.byoc.contracts.tenant.ExternalIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The AWS stand-in: WireMock loaded with the sandbox account's mapping files from
 * {@code deploy/local/aws-sandbox} (the same files {@code bin/byoc-stack} serves), rendered with
 * the issued external IDs of the tests' platform secret. Tests add scenario stubs on top and
 * {@link #reset()} back to the sandbox.
 */
public final class AwsStandIn {
    /** The platform's external-ID secret in every test (services get it from {@link AwsResource} or the system tests' env). */
    public static final String EXTERNAL_ID_SECRET = "byoc-test-external-id-secret-0123456789abcdef";
    public static final ExternalIds EXTERNAL_IDS = ExternalIds.withSecret(EXTERNAL_ID_SECRET);

    /** User A: the demo user, whose issued ID the demo role trusts. */
    public static final String OWNER = "admin";
    public static final String ACCOUNT = "111122223333";
    public static final String ROLE_ARN = "arn:aws:iam::111122223333:role/byoc-demo-01";
    public static final String BUCKET = "byoc-demo-01-bucket";
    public static final String EKS_CLUSTER = "demo-01";
    public static final String REGION = "us-east-1";

    /** User B: a second tenant with a role of its own in another account. */
    public static final String SECOND_OWNER = "bob";
    public static final String SECOND_ACCOUNT = "444455556666";
    public static final String SECOND_ROLE_ARN = "arn:aws:iam::444455556666:role/byoc-bob-01";
    public static final String SECOND_BUCKET = "byoc-bob-01-bucket";

    /** The platform's own identity in the sandbox (what GetCallerIdentity answers for its credentials). */
    public static final String PLATFORM_PRINCIPAL_ARN = "arn:aws:iam::999999999999:user/byoc-platform";
    public static final String PLATFORM_ACCOUNT = "999999999999";

    /** {@code @@external-id:<owner>@@} in a mapping file stands for that owner's issued external ID. */
    public static final Pattern PLACEHOLDER = Pattern.compile("@@external-id:([^@]+)@@");

    private static AwsStandIn shared;

    private final WireMockServer server;

    private AwsStandIn(WireMockServer server) {
        this.server = server;
    }

    /** The external ID the platform issues to {@code owner} under the tests' secret. */
    public static String externalIdOf(String owner) {
        return EXTERNAL_IDS.issuedTo(owner);
    }

    public static synchronized AwsStandIn shared() {
        if (shared == null) {
            Path sandbox = render(Ports.repositoryRoot().resolve("deploy/local/aws-sandbox"), EXTERNAL_IDS);
            WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                    .bindAddress("127.0.0.1")
                    .dynamicPort()
                    .usingFilesUnderDirectory(sandbox.toString()));
            server.start();
            shared = new AwsStandIn(server);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return shared;
    }

    /** A copy of the sandbox with every placeholder replaced by the owner's issued ID (bin/byoc-stack does the same). */
    static Path render(Path sandbox, ExternalIds ids) {
        try {
            Path target = Files.createTempDirectory("byoc-aws-sandbox-");
            try (Stream<Path> files = Files.walk(sandbox)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path copy = target.resolve(sandbox.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                        continue;
                    }
                    Matcher placeholders = PLACEHOLDER.matcher(Files.readString(file));
                    Files.writeString(copy, placeholders.replaceAll(m -> ids.issuedTo(m.group(1))));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    public WireMockServer server() {
        return server;
    }

    /** Back to the sandbox mappings only, with an empty request journal. */
    public void reset() {
        server.resetToDefaultMappings();
        server.resetRequests();
        server.resetScenarios();
    }

    /** Points the AWS SDK of this JVM at the stand-in, the standard way (system properties). */
    public void configureSdk() {
        System.setProperty("aws.endpointUrl", endpoint());
        System.setProperty("aws.accessKeyId", "AKIAPLATFORMTEST0001");
        System.setProperty("aws.secretAccessKey", "platform-test-secret");
        System.setProperty("aws.region", REGION);
    }
}

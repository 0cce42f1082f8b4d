package dev.byoc.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Path;

/**
 * The AWS stand-in: WireMock loaded with the sandbox account's mapping files from
 * {@code deploy/local/aws-sandbox} (the same files {@code bin/byoc-stack} serves). Tests add
 * scenario stubs on top and {@link #reset()} back to the sandbox.
 */
public final class AwsStandIn {
    public static final String ACCOUNT = "111122223333";
    public static final String ROLE_ARN = "arn:aws:iam::111122223333:role/byoc-demo-01";
    public static final String EXTERNAL_ID = "byoc-demo-external-id-7f3a";
    public static final String BUCKET = "byoc-demo-01-bucket";
    public static final String EKS_CLUSTER = "demo-01";
    public static final String REGION = "us-east-1";

    private static AwsStandIn shared;

    private final WireMockServer server;

    private AwsStandIn(WireMockServer server) {
        this.server = server;
    }

    public static synchronized AwsStandIn shared() {
        if (shared == null) {
            Path sandbox = Ports.repositoryRoot().resolve("deploy/local/aws-sandbox");
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

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
    /** In DescribeCluster's answer: the sandbox cluster's API server URL, and its CA (base64 of the PEM). */
    public static final String KUBERNETES_ENDPOINT_PLACEHOLDER = "@@kubernetes-endpoint@@";
    public static final String KUBERNETES_CA_PLACEHOLDER = "@@kubernetes-ca@@";
    static final String KEYSTORE_PASSWORD = "sandbox-kubernetes";

    /** The sandbox cluster's API server TLS, generated per run by {@code deploy/local/aws-sandbox/kubernetes/tls.sh}. */
    public record KubernetesTls(Path keystore, String caPem, String caBase64) {
    }

    private static AwsStandIn shared;

    private final WireMockServer server;
    private final KubernetesApiStandIn kubernetes;
    private final KubernetesTls tls;

    private AwsStandIn(WireMockServer server, KubernetesApiStandIn kubernetes, KubernetesTls tls) {
        this.server = server;
        this.kubernetes = kubernetes;
        this.tls = tls;
    }

    /**
     * A certificate authority and a server certificate for 127.0.0.1 it signed, made by the same
     * script bin/byoc-stack and Compose run (openssl, else keytool), so what tests trust is what the
     * stacks serve. Each call makes a new CA: a second one is what a cluster's CA must not accept.
     */
    public static KubernetesTls generateKubernetesTls() {
        try {
            Path dir = Files.createTempDirectory("byoc-kubernetes-tls-");
            Process process = new ProcessBuilder("sh", Ports.repositoryRoot().resolve("deploy/local/aws-sandbox/kubernetes/tls.sh")
                    .toString(), dir.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("tls.sh failed: " + output);
            }
            return new KubernetesTls(dir.resolve("tls.p12"), Files.readString(dir.resolve("ca.pem")),
                    Files.readString(dir.resolve("ca.base64")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The external ID the platform issues to {@code owner} under the tests' secret. */
    public static String externalIdOf(String owner) {
        return EXTERNAL_IDS.issuedTo(owner);
    }

    public static synchronized AwsStandIn shared() {
        if (shared == null) {
            KubernetesTls tls = generateKubernetesTls();
            // the HTTPS port must be known before rendering: DescribeCluster names it as the cluster's endpoint
            int httpsPort = Ports.free();
            Path sandbox = render(Ports.repositoryRoot().resolve("deploy/local/aws-sandbox"), EXTERNAL_IDS,
                    "https://127.0.0.1:" + httpsPort, tls.caBase64());
            KubernetesApiStandIn kubernetes = new KubernetesApiStandIn();
            WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                    .bindAddress("127.0.0.1")
                    .dynamicPort()
                    .httpsPort(httpsPort)
                    .keystorePath(tls.keystore().toString())
                    .keystoreType("PKCS12")
                    .keystorePassword(KEYSTORE_PASSWORD)
                    .keyManagerPassword(KEYSTORE_PASSWORD)
                    .extensions(kubernetes)
                    .usingFilesUnderDirectory(sandbox.toString()));
            server.start();
            shared = new AwsStandIn(server, kubernetes, tls);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return shared;
    }

    /**
     * A copy of the sandbox with every placeholder replaced: each owner's issued ID, the Kubernetes
     * endpoint and its CA (bin/byoc-stack does the same).
     */
    static Path render(Path sandbox, ExternalIds ids, String kubernetesEndpoint, String kubernetesCa) {
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
                    Files.writeString(copy, placeholders.replaceAll(m -> ids.issuedTo(m.group(1)))
                            .replace(KUBERNETES_ENDPOINT_PLACEHOLDER, kubernetesEndpoint)
                            .replace(KUBERNETES_CA_PLACEHOLDER, kubernetesCa));
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

    /** The sandbox EKS cluster's Kubernetes API server (WireMock's HTTPS port), as DescribeCluster names it. */
    public String kubernetesEndpoint() {
        return "https://127.0.0.1:" + server.httpsPort();
    }

    /** Base64 of the PEM of the CA that signed {@link #kubernetesEndpoint()}'s certificate (certificateAuthority.data). */
    public String kubernetesCa() {
        return tls.caBase64();
    }

    /** The per-role answers of the Kubernetes API (access entries); {@link #reset()} restores cluster admin for all. */
    public KubernetesApiStandIn kubernetes() {
        return kubernetes;
    }

    /** Back to the sandbox mappings only, with an empty request journal. */
    public void reset() {
        server.resetToDefaultMappings();
        server.resetRequests();
        server.resetScenarios();
        kubernetes.reset();
    }

    /** Points the AWS SDK of this JVM at the stand-in, the standard way (system properties). */
    public void configureSdk() {
        System.setProperty("aws.endpointUrl", endpoint());
        System.setProperty("aws.accessKeyId", "AKIAPLATFORMTEST0001");
        System.setProperty("aws.secretAccessKey", "platform-test-secret");
        System.setProperty("aws.region", REGION);
    }
}

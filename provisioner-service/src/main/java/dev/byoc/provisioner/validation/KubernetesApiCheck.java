package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.CheckIds.KUBERNETES_API;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.EksToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * {@code kubernetes-api}: the platform can use the cluster's Kubernetes API with the assumed role.
 * With an EKS token made from the assumed session ({@link EksToken}) it calls the endpoint
 * DescribeCluster named, trusting <em>only</em> the cluster's own CA ({@code certificateAuthority.data}),
 * {@code GET /version}, then asks with a SelfSubjectAccessReview whether it may create namespaces.
 * Runs after {@code eks-cluster} passed (it needs that answer), in the same task.
 *
 * <p>Why {@link HttpClient} and no Kubernetes client library: two requests do not justify the
 * official Java client's dependency tree (OkHttp, Gson, generated models for every API group) in
 * a service that otherwise only speaks AWS; the JDK client does TLS with our trust store and
 * verifies the host name.
 *
 * <p>A 401/403 means EKS could not map the role to an identity (no access entry), and
 * {@code allowed: false} that the entry's policies do not allow enough; both fail with the
 * {@code aws eks} commands that fix them. An endpoint that cannot be reached (a private-only
 * endpoint, publicAccessCidrs without the platform) fails too: the platform could not manage the
 * cluster. The token is a credential: it is never logged nor put in a message.
 */
@ApplicationScoped
public class KubernetesApiCheck {
    static final String CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
    static final String NAMESPACES_REVIEW = "{\"apiVersion\": \"authorization.k8s.io/v1\", \"kind\": \"SelfSubjectAccessReview\","
            + " \"spec\": {\"resourceAttributes\": {\"verb\": \"create\", \"resource\": \"namespaces\"}}}";
    private static final int CLIENTS_KEPT = 64;

    private final Duration timeout;
    private final Clock clock;
    /** One client per cluster CA (a client holds a selector thread): validations of the same cluster reuse it. */
    private final Map<String, HttpClient> clients = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HttpClient> eldest) {
            return size() > CLIENTS_KEPT;
        }
    });

    @jakarta.inject.Inject
    KubernetesApiCheck(AwsClients aws) {
        this(aws.callTimeout(), Clock.systemUTC());
    }

    KubernetesApiCheck(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
    }

    /** @param cluster what eks-cluster's DescribeCluster answered */
    public Check run(AccessCheck.Target target, AccessCheck.Access access, Cluster cluster) throws InterruptedException {
        ClusterSpec spec = target.spec();
        String name = spec.eksClusterName();
        String endpoint = cluster.endpoint();
        String ca = cluster.certificateAuthority() == null ? null : cluster.certificateAuthority().data();
        if (blank(endpoint) || blank(ca)) {
            if ("CREATING".equals(cluster.statusAsString())) {
                return Check.skipped(KUBERNETES_API, "not checked: EKS cluster " + name + " is CREATING, so it has no API "
                        + "server to call yet", "once EKS reports the cluster ACTIVE, run `byoc clusters verify {cluster}` "
                        + "and have its Kubernetes API checked");
            }
            return Check.fail(KUBERNETES_API, "eks:DescribeCluster names no " + (blank(endpoint) ? "API endpoint" : "certificate "
                    + "authority") + " for EKS cluster " + name, "run `byoc clusters verify {cluster}` again; contact the platform "
                    + "operators if this persists");
        }
        HttpClient http;
        try {
            http = clients.computeIfAbsent(ca, this::client);
        } catch (IllegalArgumentException e) {
            return Check.fail(KUBERNETES_API, "the certificate authority eks:DescribeCluster returned for " + name
                    + " is not a PEM certificate (" + e.getMessage() + ")", "run `byoc clusters verify {cluster}` again; contact the "
                    + "platform operators if this persists");
        }
        String token = EksToken.create(name, spec.region(), access.assumed().resolveCredentials(), clock);
        String where = "the Kubernetes API of " + name + " (" + endpoint + ")";
        try {
            HttpResponse<String> version = http.send(request(endpoint, "/version", token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (version.statusCode() == 401 || version.statusCode() == 403) {
                return noAccess(where, "GET /version", version.statusCode(), spec, cluster);
            }
            if (version.statusCode() != 200) {
                return Check.fail(KUBERNETES_API, where + " answered GET /version with HTTP " + version.statusCode(),
                        "check the cluster's control plane in the EKS console, then run `byoc clusters verify {cluster}`");
            }
            String gitVersion = field(version.body(), "/gitVersion").orElse("an unknown version");
            HttpResponse<String> review = http.send(request(endpoint, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(NAMESPACES_REVIEW)).build(), HttpResponse.BodyHandlers.ofString());
            if (review.statusCode() == 401 || review.statusCode() == 403) {
                return noAccess(where, "a SelfSubjectAccessReview", review.statusCode(), spec, cluster);
            }
            if (review.statusCode() != 200 && review.statusCode() != 201) {
                return Check.fail(KUBERNETES_API, where + " answered a SelfSubjectAccessReview with HTTP " + review.statusCode(),
                        "check the cluster's control plane in the EKS console, then run `byoc clusters verify {cluster}`");
            }
            boolean allowed = field(review.body(), "/status/allowed").map(Boolean::parseBoolean).orElse(false);
            if (!allowed) {
                return Check.fail(KUBERNETES_API, where + " (" + gitVersion + ") accepts " + spec.roleArn()
                        + ", but it may not create namespaces (SelfSubjectAccessReview: allowed=false"
                        + field(review.body(), "/status/reason").map(r -> ": " + r).orElse("") + ")",
                        "associate the cluster admin access policy with the role's access entry: "
                                + associatePolicy(spec) + " (the platform creates namespaces, which of EKS's access policies "
                                + "only AmazonEKSClusterAdminPolicy allows); then run `byoc clusters verify {cluster}`");
            }
            return Check.pass(KUBERNETES_API, where + " answered " + gitVersion + " to " + spec.roleArn()
                    + " over TLS trusted through the cluster's own CA, and allows it to create namespaces");
        } catch (SSLException e) {
            // the handshake failed before any request: the token never left the platform
            return Check.fail(KUBERNETES_API, where + " presented a certificate that the cluster's certificate authority "
                    + "(certificateAuthority.data of eks:DescribeCluster) did not sign, or TLS failed: " + e.getMessage()
                    + "; the platform sent it nothing", "make sure nothing between the platform and " + endpoint
                    + " terminates TLS (a proxy or firewall inspecting it), then run `byoc clusters verify {cluster}`");
        } catch (IOException e) {
            return unreachable(where, e, spec, cluster);
        }
    }

    private HttpRequest.Builder request(String endpoint, String path, String token) {
        return HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private Check noAccess(String where, String call, int status, ClusterSpec spec, Cluster cluster) {
        String mode = cluster.accessConfig() == null ? null : cluster.accessConfig().authenticationModeAsString();
        String switchMode = "CONFIG_MAP".equals(mode) ? "switch the cluster to access entries (its authentication mode is "
                + "CONFIG_MAP): aws eks update-cluster-config --name " + spec.eksClusterName() + " --region " + spec.region()
                + " --access-config authenticationMode=API_AND_CONFIG_MAP; then " : "";
        return Check.fail(KUBERNETES_API, where + " refused " + spec.roleArn() + " (" + call + " answered HTTP " + status
                + "): the cluster has no access entry for the role, so EKS maps the platform's token to no Kubernetes identity",
                switchMode + "give the role an access entry with cluster admin: aws eks create-access-entry --cluster-name "
                        + spec.eksClusterName() + " --region " + spec.region() + " --principal-arn " + spec.roleArn()
                        + " --type STANDARD, then " + associatePolicy(spec) + " (the platform creates namespaces, which of "
                        + "EKS's access policies only AmazonEKSClusterAdminPolicy allows); then run `byoc clusters verify {cluster}`");
    }

    static String associatePolicy(ClusterSpec spec) {
        return "aws eks associate-access-policy --cluster-name " + spec.eksClusterName() + " --region " + spec.region()
                + " --principal-arn " + spec.roleArn() + " --policy-arn " + CLUSTER_ADMIN_POLICY + " --access-scope type=cluster";
    }

    private Check unreachable(String where, IOException e, ClusterSpec spec, Cluster cluster) {
        String what = e instanceof HttpConnectTimeoutException ? "connecting timed out"
                : e instanceof HttpTimeoutException ? "no answer within " + timeout.toSeconds() + " s"
                : e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName() + ": " + e.getMessage();
        boolean privateOnly = cluster.resourcesVpcConfig() != null
                && Boolean.FALSE.equals(cluster.resourcesVpcConfig().endpointPublicAccess());
        return Check.fail(KUBERNETES_API, where + " is not reachable from the platform (" + what + ")"
                + (privateOnly ? "; its endpoint is private only (endpointPublicAccess=false)" : ""),
                "the endpoint must be reachable from the platform (private endpoint?): enable public access restricted to "
                        + "the platform's egress addresses (aws eks update-cluster-config --name " + spec.eksClusterName()
                        + " --region " + spec.region() + " --resources-vpc-config endpointPublicAccess=true,"
                        + "publicAccessCidrs=<the platform's egress CIDRs>), or make sure publicAccessCidrs includes them; "
                        + "then run `byoc clusters verify {cluster}`");
    }

    /** A client that trusts the cluster's CA and nothing else (not the JDK's default CAs). */
    private HttpClient client(String caBase64) {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> certificates = x509.generateCertificates(
                    new ByteArrayInputStream(Base64.getMimeDecoder().decode(caBase64)));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in it");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("cluster-ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Optional<String> field(String json, String pointer) {
        try {
            JsonNode node = Json.mapper().readTree(json == null ? "" : json).at(pointer);
            return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

package dev.byoc.provisioner;

import static dev.byoc.provisioner.Outcome.FAILED;
import static dev.byoc.provisioner.Outcome.VALIDATED;
import static dev.byoc.provisioner.Outcome.checks;
import static dev.byoc.provisioner.Stubs.SCENARIO;
import static dev.byoc.provisioner.Stubs.server;
import static dev.byoc.provisioner.Stubs.stub;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.byoc.provisioner.aws.EksToken;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KubernetesApiStandIn;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubernetes-api} through the real service: the real SDK's presigned token, the JDK's
 * HTTPS client trusting only the CA DescribeCluster returned, against the stand-in's Kubernetes
 * API (WireMock's HTTPS port, with a CA generated for this run), which decodes the token and maps
 * its credential back to the assumed role.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class KubernetesApiTests {
    static final String ROLE = AwsStandIn.ROLE_ARN;
    UUID clusterId;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        Stubs.quotasAtRecommendations();
        clusterId = UUID.randomUUID();
    }

    Outcome validate() {
        return Outcome.await(clusterId, Outcome.request(clusterId, Spec.sandbox()));
    }

    static List<LoggedRequest> kubernetesRequests() {
        return server().findAll(Stubs.kubernetesRequests());
    }

    @Test
    void passesWithTheVersionAndTheRightToCreateNamespaces() {
        Outcome outcome = validate();

        assertThat(outcome.result()).isEqualTo(VALIDATED);
        assertThat(outcome.check("kubernetes-api").path("status").asText()).isEqualTo("pass");
        assertThat(outcome.message("kubernetes-api")).contains("v1.31.4-eks-1a2b3c4").contains(ROLE)
                .contains(AwsStandIn.shared().kubernetesEndpoint()).contains("create namespaces");
        assertThat(kubernetesRequests()).extracting(LoggedRequest::getUrl)
                .containsExactly("/version", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        assertThat(kubernetesRequests().get(1).getBodyAsString()).contains("\"verb\": \"create\"").contains("\"resource\": \"namespaces\"");
        // the token is a credential: it appears in no event
        String token = kubernetesRequests().get(0).getHeader("Authorization").substring("Bearer ".length());
        outcome.records().forEach(r -> assertThat(r.value()).doesNotContain(token));
    }

    @Test
    void theTokenIsWhatAwsEksGetTokenMakesForTheAssumedSession() {
        validate();
        String authorization = kubernetesRequests().get(0).getHeader("Authorization");
        assertThat(authorization).startsWith("Bearer k8s-aws-v1.");
        String encoded = authorization.substring("Bearer k8s-aws-v1.".length());
        assertThat(encoded).doesNotContain("=").doesNotContain("+").doesNotContain("/");
        URI url = URI.create(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
        // addressed to STS's real regional host, whatever endpoint override the platform's own calls use
        assertThat(url.getScheme() + "://" + url.getHost()).isEqualTo("https://sts.us-east-1.amazonaws.com");
        Map<String, String> query = KubernetesApiStandIn.presignedQuery(encoded).orElseThrow();
        assertThat(query).containsEntry("Action", "GetCallerIdentity").containsEntry("Version", "2011-06-15")
                .containsEntry("X-Amz-Expires", "60").containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsKey("X-Amz-Signature").containsKey("X-Amz-Date").containsKey("X-Amz-Security-Token");
        assertThat(query.get("X-Amz-SignedHeaders").split(";")).contains("host", EksToken.CLUSTER_ID_HEADER);
        // signed with the assumed session's key, never the platform's own
        assertThat(query.get("X-Amz-Credential")).startsWith("ASIASANDBOXDEMO00001/").endsWith("/us-east-1/sts/aws4_request");
    }

    @Test
    void noAccessEntryFailsWithTheCommandsThatCreateIt() {
        AwsStandIn.shared().kubernetes().noAccessEntry(ROLE);
        Outcome outcome = validate();

        assertThat(outcome.result()).isEqualTo(FAILED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "fail", "pass", "pass")
                .toArray(String[]::new));
        assertThat(outcome.message("kubernetes-api")).contains("HTTP 401").contains("no access entry").contains(ROLE);
        assertThat(outcome.remediation("kubernetes-api"))
                .contains("aws eks create-access-entry --cluster-name demo-01 --region us-east-1 --principal-arn " + ROLE
                        + " --type STANDARD")
                .contains("aws eks associate-access-policy --cluster-name demo-01 --region us-east-1 --principal-arn " + ROLE
                        + " --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope type=cluster");
        assertThat(outcome.data().path("reason").asText()).contains("kubernetes-api");
    }

    @Test
    void anAccessEntryThatMayNotCreateNamespacesFails() {
        AwsStandIn.shared().kubernetes().notAllowed(ROLE);
        Outcome outcome = validate();

        assertThat(outcome.result()).isEqualTo(FAILED);
        assertThat(outcome.check("kubernetes-api").path("status").asText()).isEqualTo("fail");
        assertThat(outcome.message("kubernetes-api")).contains("may not create namespaces").contains("allowed=false");
        assertThat(outcome.remediation("kubernetes-api")).contains("aws eks associate-access-policy --cluster-name demo-01")
                .contains("--principal-arn " + ROLE).contains("AmazonEKSClusterAdminPolicy --access-scope type=cluster");
    }

    @Test
    void aServerCertificateTheClusterCaDidNotSignIsRefusedBeforeAnyTokenIsSent() {
        // the same endpoint, but DescribeCluster names another CA: the server's certificate is not the cluster's
        AwsStandIn.KubernetesTls other = AwsStandIn.generateKubernetesTls();
        stub(Stubs.describeCluster("demo-01").atPriority(SCENARIO)
                .willReturn(Stubs.eksClusterAt(AwsStandIn.shared().kubernetesEndpoint(), other.caBase64())));
        Outcome outcome = validate();

        assertThat(outcome.result()).isEqualTo(FAILED);
        assertThat(outcome.check("kubernetes-api").path("status").asText()).isEqualTo("fail");
        assertThat(outcome.message("kubernetes-api")).contains("did not sign").contains("sent it nothing");
        assertThat(kubernetesRequests()).as("the TLS handshake failed before any request").isEmpty();
    }

    @Test
    void anEndpointThePlatformCannotReachFailsAsPossiblyPrivate() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        stub(Stubs.describeCluster("demo-01").atPriority(SCENARIO)
                .willReturn(Stubs.eksClusterAt("https://127.0.0.1:" + closed, AwsStandIn.shared().kubernetesCa())));
        Outcome outcome = validate();

        assertThat(outcome.result()).isEqualTo(FAILED);
        assertThat(outcome.message("kubernetes-api")).contains("not reachable from the platform");
        assertThat(outcome.remediation("kubernetes-api")).contains("private endpoint?").contains("endpointPublicAccess=true");
    }

    @Test
    void skippedWhenEksClusterFailed() {
        stub(Stubs.describeCluster("demo-01").atPriority(SCENARIO).willReturn(Stubs.eksCluster("demo-01", "FAILED")));
        Outcome outcome = validate();

        assertThat(outcome.check("kubernetes-api").path("status").asText()).isEqualTo("skipped");
        assertThat(outcome.message("kubernetes-api")).contains("eks-cluster failed");
        assertThat(kubernetesRequests()).isEmpty();
    }

    @Test
    void anotherTenantsRoleIsMappedToItsOwnAccessEntry() {
        // bob's role has no access entry; admin's cluster still validates: the stand-in tells sessions apart
        AwsStandIn.shared().kubernetes().noAccessEntry(AwsStandIn.SECOND_ROLE_ARN);
        assertThat(validate().result()).isEqualTo(VALIDATED);
    }
}

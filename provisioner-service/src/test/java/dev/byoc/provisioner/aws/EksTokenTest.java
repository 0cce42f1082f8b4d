package dev.byoc.provisioner.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.testsupport.KubernetesApiStandIn;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** The token's shape, from the SDK's real signer with fixed credentials and clock. */
class EksTokenTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T09:26:53Z"), ZoneOffset.UTC);
    static final AwsSessionCredentials SESSION = AwsSessionCredentials.create("ASIAEXAMPLE000000001", "secret", "session-token");

    static URI decode(String token) {
        assertThat(token).startsWith("k8s-aws-v1.");
        return URI.create(new String(Base64.getUrlDecoder().decode(token.substring("k8s-aws-v1.".length())), StandardCharsets.UTF_8));
    }

    @Test
    void isAPresignedGetCallerIdentityUrlForTheClusterBase64UrlWithoutPadding() {
        String token = EksToken.create("demo-01", "us-east-1", SESSION, CLOCK);
        assertThat(token.substring("k8s-aws-v1.".length())).matches("[A-Za-z0-9_-]+");
        URI url = decode(token);
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getHost()).isEqualTo("sts.us-east-1.amazonaws.com");
        assertThat(url.getPath()).isEqualTo("/");
        Map<String, String> query = KubernetesApiStandIn.presignedQuery(token.substring("k8s-aws-v1.".length())).orElseThrow();
        assertThat(query).containsEntry("Action", "GetCallerIdentity").containsEntry("Version", "2011-06-15")
                .containsEntry("X-Amz-Expires", "60").containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsEntry("X-Amz-Date", "20250314T092653Z")
                .containsEntry("X-Amz-Credential", "ASIAEXAMPLE000000001/20250314/us-east-1/sts/aws4_request")
                .containsEntry("X-Amz-Security-Token", "session-token")
                .containsEntry("X-Amz-SignedHeaders", "host;x-k8s-aws-id");
        assertThat(query.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
    }

    @Test
    void theClusterNameIsSignedSoATokenIsGoodForOneClusterOnly() {
        String a = EksToken.create("demo-01", "us-east-1", SESSION, CLOCK);
        String b = EksToken.create("demo-02", "us-east-1", SESSION, CLOCK);
        String signatureA = KubernetesApiStandIn.presignedQuery(a.substring(11)).orElseThrow().get("X-Amz-Signature");
        String signatureB = KubernetesApiStandIn.presignedQuery(b.substring(11)).orElseThrow().get("X-Amz-Signature");
        assertThat(signatureA).isNotEqualTo(signatureB);
    }

    @Test
    void usesThePartitionsStsHost() {
        assertThat(decode(EksToken.create("c", "cn-north-1", SESSION, CLOCK)).getHost()).isEqualTo("sts.cn-north-1.amazonaws.com.cn");
        assertThat(decode(EksToken.create("c", "eu-west-1", SESSION, CLOCK)).getHost()).isEqualTo("sts.eu-west-1.amazonaws.com");
    }
}

package dev.byoc.provisioner.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * The bearer token EKS accepts, made as {@code aws eks get-token} (aws-iam-authenticator) makes it:
 * an STS {@code GetCallerIdentity} GET URL presigned with SigV4 by the SDK's own signer, with the
 * header {@code x-k8s-aws-id: <cluster name>} among the signed headers (so the token is good for
 * that cluster only), valid 60 s, base64url without padding, prefixed {@code k8s-aws-v1.}. EKS's
 * authenticator replays the URL against STS and maps the caller to the cluster's access entries.
 *
 * <p>The host is always STS's regional endpoint of the cluster's partition, never an
 * {@code AWS_ENDPOINT_URL} override: the token is addressed to the authenticator, which only
 * replays URLs for STS hosts it knows; an override is for the platform's own calls.
 *
 * <p>The token is a credential for the customer's cluster for a minute: never log it or put it in
 * a message.
 */
public final class EksToken {
    public static final String PREFIX = "k8s-aws-v1.";
    public static final String CLUSTER_ID_HEADER = "x-k8s-aws-id";
    public static final Duration LIFETIME = Duration.ofSeconds(60);

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private EksToken() {
    }

    public static String create(String clusterName, String region, AwsCredentialsIdentity credentials, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(stsEndpoint(region))
                .encodedPath("/")
                .appendRawQueryParameter("Action", "GetCallerIdentity")
                .appendRawQueryParameter("Version", "2011-06-15")
                .putHeader(CLUSTER_ID_HEADER, clusterName)
                .build();
        SdkHttpRequest presigned = SIGNER.sign(r -> r.identity(credentials).request(request)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, LIFETIME)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
        return PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(presigned.getUri().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code https://sts.<region>.amazonaws.com} (or the partition's DNS suffix, e.g. amazonaws.com.cn). */
    static URI stsEndpoint(String region) {
        String suffix = Region.of(region).metadata() == null ? "amazonaws.com"
                : Region.of(region).metadata().partition().dnsSuffix();
        return URI.create("https://sts." + region + "." + suffix);
    }
}

package dev.byoc.provisioner.aws;

import dev.byoc.provisioner.config.AwsConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The SDK clients, one per service and region, built on first use and kept. Endpoints are never set here: the SDK reads AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_&lt;SERVICE&gt; and the aws.endpointUrl… properties itself, so any emulator or
 * VPC endpoint works. Credentials of the platform come from the SDK's default chain. Throttling
 * and 5xx are retried by the SDK's standard retry strategy; every call has a deadline.
 */
@ApplicationScoped
public class AwsClients {
    private final SdkHttpClient http;
    /** One client per service and region ({@link #shared}): a region's clients serve every cluster there. */
    private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();
    private final Duration callTimeout;

    AwsClients(AwsConfig config) {
        this.callTimeout = config.callTimeout();
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(callTimeout)
                .build();
    }

    @PreDestroy
    void close() {
        clients.values().forEach(SdkClient::close);
        http.close();
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * What went wrong when {@code api} could not be called at all: "timed out after N s calling
     * eks:DescribeCluster" for the SDK's call/attempt deadline or a socket read timeout,
     * otherwise "could not call …: &lt;cause&gt;".
     */
    public String clientFailure(SdkClientException e, String api) {
        if (isTimeout(e)) {
            return "timed out after " + callTimeout.toSeconds() + " s calling " + api;
        }
        return "could not call " + api + ": " + e.getMessage();
    }

    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(callTimeout)
                .apiCallAttemptTimeout(callTimeout)
                .build();
    }

    /**
     * The credentials of one request: the assumed role's. Every client is built with the
     * platform's own credentials (the SDK's default chain) and shared by every cluster of its
     * region; a call in a customer's account names that account's session on the request itself,
     * so no client is ever built per validation (building one cost more CPU than the calls it made).
     */
    public static AwsRequestOverrideConfiguration as(AwsCredentialsProvider credentials) {
        // fail closed: a request without the customer's session would go out with the platform's own credentials
        java.util.Objects.requireNonNull(credentials, "no assumed session: nothing is called in a customer's account without one");
        return AwsRequestOverrideConfiguration.builder().credentialsProvider(credentials).build();
    }

    /** STS on the regional endpoint; the platform's credentials unless the request names others ({@link #as}). */
    public StsClient sts(String region) {
        return shared(StsClient.class, region, () -> StsClient.builder().region(Region.of(region)).httpClient(http)
                .overrideConfiguration(overrides()).build());
    }

    public EksClient eks(String region) {
        return shared(EksClient.class, region, () -> EksClient.builder().region(Region.of(region)).httpClient(http)
                .overrideConfiguration(overrides()).build());
    }

    public S3Client s3(String region) {
        return shared(S3Client.class, region, () -> S3Client.builder().region(Region.of(region)).httpClient(http)
                .overrideConfiguration(overrides())
                // a loopback emulator cannot serve virtual-hosted buckets
                .forcePathStyle(EndpointOverride.isSet("S3"))
                .build());
    }

    public ServiceQuotasClient quotas(String region) {
        return shared(ServiceQuotasClient.class, region, () -> ServiceQuotasClient.builder().region(Region.of(region))
                .httpClient(http).overrideConfiguration(overrides()).build());
    }

    private <C extends SdkClient> C shared(Class<C> type, String region, Supplier<C> build) {
        return type.cast(clients.computeIfAbsent(type.getSimpleName() + "/" + region, key -> build.get()));
    }
}

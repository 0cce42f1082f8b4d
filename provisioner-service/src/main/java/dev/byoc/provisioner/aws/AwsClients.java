package dev.byoc.provisioner.aws;

import dev.byoc.provisioner.config.AwsConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
 * Builds SDK clients. Endpoints are never set here: the SDK reads AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_&lt;SERVICE&gt; and the aws.endpointUrl… properties itself, so any emulator or
 * VPC endpoint works. Credentials of the platform come from the SDK's default chain. Throttling
 * and 5xx are retried by the SDK's standard retry strategy; every call has a deadline.
 */
@ApplicationScoped
public class AwsClients {
    private final SdkHttpClient http;
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

    /** STS with the platform's own credentials, on the regional endpoint. */
    public StsClient platformSts(String region) {
        return StsClient.builder().region(Region.of(region)).httpClient(http).overrideConfiguration(overrides()).build();
    }

    public StsClient sts(String region, AwsCredentialsProvider credentials) {
        return StsClient.builder().region(Region.of(region)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides()).build();
    }

    public EksClient eks(String region, AwsCredentialsProvider credentials) {
        return EksClient.builder().region(Region.of(region)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides()).build();
    }

    public S3Client s3(String region, AwsCredentialsProvider credentials) {
        return S3Client.builder().region(Region.of(region)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides())
                // a loopback emulator cannot serve virtual-hosted buckets
                .forcePathStyle(EndpointOverride.isSet("S3"))
                .build();
    }

    public ServiceQuotasClient quotas(String region, AwsCredentialsProvider credentials) {
        return ServiceQuotasClient.builder().region(Region.of(region)).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides()).build();
    }
}

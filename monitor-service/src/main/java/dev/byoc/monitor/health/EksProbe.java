package dev.byoc.monitor.health;

import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.HealthObserved.EksStatus;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.monitor.AwsConfig;
import dev.byoc.monitor.ExternalIdConfig;
import dev.byoc.monitor.watch.Replica;
import dev.byoc.support.aws.AwsFaults;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * One EKS health observation: assume the customer's role, DescribeCluster. Endpoints and the
 * platform's credentials come from the SDK's standard settings, as in the provisioner.
 *
 * <p>The external ID is the one the platform issued to the cluster's owner, derived from the owner
 * with the platform secret (DESIGN §1): no event and no row carries it, and it is never logged.
 * Created at start-up so a missing or short secret stops the service at once, not at the first poll.
 */
@Startup
@ApplicationScoped
public class EksProbe {
    /**
     * @param platformFault the platform's own trouble ({@link AwsFaults}), not an observation of the
     *     customer's cluster: nothing is published and the customer's status does not move
     */
    public record Observation(EksStatus status, String detail, String errorCode, boolean platformFault) {
        Observation(EksStatus status, String detail, String errorCode) {
            this(status, detail, errorCode, false);
        }

        static Observation platform(String call, Throwable failure) {
            return new Observation(EksStatus.ERROR, call + ": " + AwsFaults.code(failure), AwsFaults.code(failure), true);
        }
    }

    private final SdkHttpClient http;
    private final ClientOverrideConfiguration overrides;

    private final String instanceId;
    private final ExternalIds externalIds;

    EksProbe(AwsConfig aws, Replica replica, ExternalIdConfig externalId) {
        Duration callTimeout = aws.callTimeout();
        this.externalIds = externalIds(externalId.secret());
        this.instanceId = replica.id();
        this.http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(callTimeout).build();
        this.overrides = ClientOverrideConfiguration.builder().apiCallTimeout(callTimeout).build();
    }

    /** The owners' issued IDs under the configured secret; a missing or short secret stops the start. */
    static ExternalIds externalIds(Optional<String> secret) {
        try {
            return ExternalIds.withSecret(secret.orElse(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("monitor-service cannot assume customer roles without the platform's "
                    + "external-ID secret (byoc.external-id.secret): " + e.getMessage(), e);
        }
    }

    /** @param owner the cluster's owner, whose issued external ID the role's trust policy requires */
    public Observation observe(UUID clusterId, String owner, ClusterSpec spec) {
        Region region = Region.of(spec.region());
        String externalId = externalIds.issuedTo(owner);
        Credentials credentials;
        try (StsClient sts = StsClient.builder().region(region).httpClient(http).overrideConfiguration(overrides).build()) {
            credentials = sts.assumeRole(r -> r.roleArn(spec.roleArn()).externalId(externalId)
                    .roleSessionName(AwsFaults.sessionName("byoc-mon-", instanceId, "-" + clusterId)).durationSeconds(900))
                    .credentials();
        } catch (SdkException e) {
            if (AwsFaults.isPlatformFault(e)) {
                return Observation.platform("sts:AssumeRole", e);
            }
            if (e instanceof AwsServiceException service) {
                return new Observation(EksStatus.ROLE_NOT_ASSUMABLE, spec.roleArn() + ": " + code(service), code(service));
            }
            return new Observation(EksStatus.ERROR, "sts:AssumeRole: " + e.getMessage(), "client");
        }
        var provider = StaticCredentialsProvider.create(AwsSessionCredentials.create(credentials.accessKeyId(),
                credentials.secretAccessKey(), credentials.sessionToken()));
        try (EksClient eks = EksClient.builder().region(region).credentialsProvider(provider).httpClient(http)
                .overrideConfiguration(overrides).build()) {
            String status = eks.describeCluster(r -> r.name(spec.eksClusterName())).cluster().statusAsString();
            EksStatus eksStatus;
            try {
                eksStatus = EksStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                eksStatus = EksStatus.ERROR;
            }
            return new Observation(eksStatus, spec.eksClusterName() + " in " + spec.region() + " is " + status, null);
        } catch (ResourceNotFoundException e) {
            return new Observation(EksStatus.NOT_FOUND, "no EKS cluster " + spec.eksClusterName() + " in " + spec.region(),
                    "ResourceNotFoundException");
        } catch (SdkException e) {
            if (AwsFaults.isPlatformFault(e)) {
                return Observation.platform("eks:DescribeCluster", e);
            }
            if (e instanceof AwsServiceException service) {
                return new Observation(EksStatus.ERROR, "eks:DescribeCluster: " + code(service), code(service));
            }
            return new Observation(EksStatus.ERROR, "eks:DescribeCluster: " + e.getMessage(), "client");
        }
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
    }
}

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
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.byoc.monitor.MonitorConfig;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
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
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * One EKS health observation: the customer's role's session (assumed when there is no fresh one),
 * DescribeCluster. One STS and one EKS client per region serve every cluster. Endpoints and the
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
    private final Map<Region, StsClient> sts = new ConcurrentHashMap<>();
    private final Map<Region, EksClient> eks = new ConcurrentHashMap<>();
    /**
     * The assumed session of each watched cluster, refreshed by the SDK shortly before it expires
     * (5 min before the 15 min session ends), so a poll is one DescribeCluster and an AssumeRole
     * every ten minutes, not one of each per poll. Dropped when a cluster is no longer polled, and
     * when EKS refuses the session.
     */
    private final Cache<Session, StsAssumeRoleCredentialsProvider> sessions;

    private final String instanceId;
    private final ExternalIds externalIds;

    EksProbe(AwsConfig aws, Replica replica, ExternalIdConfig externalId, MonitorConfig monitor) {
        Duration callTimeout = aws.callTimeout();
        this.externalIds = externalIds(externalId.secret());
        this.instanceId = replica.id();
        this.http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(callTimeout).build();
        this.overrides = ClientOverrideConfiguration.builder().apiCallTimeout(callTimeout).build();
        this.sessions = Caffeine.newBuilder().expireAfterAccess(monitor.pollInterval().multipliedBy(3).plusMinutes(1))
                .removalListener((Session key, StsAssumeRoleCredentialsProvider provider, RemovalCause cause) -> {
                    if (provider != null) {
                        provider.close();
                    }
                }).build();
    }

    /** Whose session: a cluster's role, assumed with its owner's issued ID (a changed spec is a new session). */
    private record Session(UUID clusterId, String roleArn, String owner, Region region) {
    }

    @PreDestroy
    void close() {
        sessions.invalidateAll();
        sts.values().forEach(StsClient::close);
        eks.values().forEach(EksClient::close);
        http.close();
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
        Session key = new Session(clusterId, spec.roleArn(), owner, region);
        StsAssumeRoleCredentialsProvider session = sessions.get(key, k -> assumedSession(k, spec));
        AwsCredentials credentials;
        try {
            credentials = session.resolveCredentials(); // AssumeRole only when there is no fresh session
        } catch (SdkException e) {
            sessions.invalidate(key);
            if (AwsFaults.isPlatformFault(e)) {
                return Observation.platform("sts:AssumeRole", e);
            }
            if (e instanceof AwsServiceException service) {
                return new Observation(EksStatus.ROLE_NOT_ASSUMABLE, spec.roleArn() + ": " + code(service), code(service));
            }
            return new Observation(EksStatus.ERROR, "sts:AssumeRole: " + e.getMessage(), "client");
        }
        var provider = StaticCredentialsProvider.create(credentials);
        try {
            String status = eksIn(region).describeCluster(r -> r.name(spec.eksClusterName())
                    .overrideConfiguration(o -> o.credentialsProvider(provider))).cluster().statusAsString();
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
            if (e instanceof AwsServiceException) {
                sessions.invalidate(key); // a revoked or expired session: the next poll assumes the role again
            }
            if (AwsFaults.isPlatformFault(e)) {
                return Observation.platform("eks:DescribeCluster", e);
            }
            if (e instanceof AwsServiceException service) {
                return new Observation(EksStatus.ERROR, "eks:DescribeCluster: " + code(service), code(service));
            }
            return new Observation(EksStatus.ERROR, "eks:DescribeCluster: " + e.getMessage(), "client");
        }
    }

    /** The session of one cluster's role; nothing is called until the first {@code resolveCredentials}. */
    private StsAssumeRoleCredentialsProvider assumedSession(Session key, ClusterSpec spec) {
        String externalId = externalIds.issuedTo(key.owner());
        AssumeRoleRequest request = AssumeRoleRequest.builder().roleArn(key.roleArn()).externalId(externalId)
                .roleSessionName(AwsFaults.sessionName("byoc-mon-", instanceId, "-" + key.clusterId())).durationSeconds(900).build();
        return StsAssumeRoleCredentialsProvider.builder().stsClient(stsIn(key.region())).refreshRequest(request)
                .asyncCredentialUpdateEnabled(false).build();
    }

    /** Forgets a cluster's session (it is no longer polled here): its credentials are not kept any longer. */
    public void forget(UUID clusterId) {
        sessions.asMap().keySet().removeIf(key -> key.clusterId().equals(clusterId));
    }

    /** How many assumed sessions are kept (the gauge {@code byoc_monitor_sessions}). */
    public long sessions() {
        return sessions.estimatedSize();
    }

    private StsClient stsIn(Region region) {
        return sts.computeIfAbsent(region, r -> StsClient.builder().region(r).httpClient(http).overrideConfiguration(overrides).build());
    }

    private EksClient eksIn(Region region) {
        return eks.computeIfAbsent(region, r -> EksClient.builder().region(r).httpClient(http).overrideConfiguration(overrides).build());
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
    }
}

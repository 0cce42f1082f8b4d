package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.CheckIds.ACCOUNT_MATCHES;
import static dev.byoc.provisioner.validation.CheckIds.ASSUME_ROLE;
import static dev.byoc.provisioner.validation.CheckIds.EKS_CLUSTER;
import static dev.byoc.provisioner.validation.CheckIds.EXTERNAL_ID_ENFORCED;
import static dev.byoc.provisioner.validation.CheckIds.QUOTAS;
import static dev.byoc.provisioner.validation.CheckIds.S3_BUCKET;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.spec.SpecRules;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Runs the checks of DESIGN §6 against the customer's account and returns the full report, in
 * order. A check that cannot run because an earlier one failed is {@code skipped} with that reason.
 */
@ApplicationScoped
public class AccessValidator {
    /** The platform prefix: the only place in the bucket the platform writes. */
    public static final String PREFIX = "byoc/";

    private final AwsClients aws;
    private final Duration assumeRoleWindow;
    private final QuotaCheck quotaCheck;

    AccessValidator(AwsClients aws, QuotaCheck quotaCheck,
            @ConfigProperty(name = "byoc.aws.assume-role-retry-window") Duration assumeRoleWindow) {
        this.aws = aws;
        this.quotaCheck = quotaCheck;
        this.assumeRoleWindow = assumeRoleWindow;
    }

    public List<Check> validate(UUID clusterId, ClusterSpec spec) throws InterruptedException {
        List<Check> checks = new ArrayList<>();
        String session = "byoc-" + clusterId;
        String account = SpecRules.accountOf(spec.roleArn());
        Credentials credentials = null;
        try (StsClient platform = aws.platformSts(spec.region())) {
            try {
                credentials = RoleSession.assumeWithRetry(platform, spec.roleArn(), spec.externalId(), session, assumeRoleWindow);
                checks.add(Check.pass(ASSUME_ROLE, "assumed " + spec.roleArn() + " with the external ID"));
            } catch (AwsServiceException e) {
                String code = RoleSession.code(e);
                boolean denied = "AccessDenied".equals(code);
                checks.add(Check.fail(ASSUME_ROLE, "cannot assume " + spec.roleArn() + " with external ID "
                        + spec.externalIdHint() + " (" + code + (denied ? ", retried for " + assumeRoleWindow.toSeconds()
                        + " s" : "") + "): " + RoleSession.message(e),
                        "make the role's trust policy allow sts:AssumeRole for the platform principal with the condition "
                                + "{\"StringEquals\": {\"sts:ExternalId\": \"<your external ID>\"}}; check the role ARN and "
                                + "external ID match the Terraform output"));
            } catch (SdkClientException e) {
                checks.add(Check.fail(ASSUME_ROLE, timeoutOr(e, "sts:AssumeRole"), "check the platform can reach STS in "
                        + spec.region() + " and retry by editing the cluster"));
            }
            if (credentials == null) {
                skipRest(checks, "skipped because assume-role failed");
                return checks;
            }
            checks.add(externalIdEnforced(platform, spec, session));
        }
        AwsCredentialsProvider assumed = RoleSession.credentials(credentials);
        checks.add(accountMatches(spec, account, assumed));
        checks.add(eksCluster(spec, assumed));
        checks.add(s3Bucket(clusterId, spec, account, assumed));
        try (ServiceQuotasClient quotas = aws.quotas(spec.region(), assumed)) {
            checks.add(quotaCheck.check(quotas, spec));
        }
        return checks;
    }

    /** The confused-deputy test: without the external ID, or with a wrong one, AssumeRole must fail. */
    private Check externalIdEnforced(StsClient platform, ClusterSpec spec, String session) {
        String remediation = "add the condition {\"StringEquals\": {\"sts:ExternalId\": \"<your external ID>\"}} to the "
                + "role's trust policy; without it anyone who learns the role ARN can make the platform act on your account "
                + "(the confused deputy problem)";
        for (String probe : new String[] {null, "byoc-wrong-" + UUID.randomUUID()}) {
            try {
                RoleSession.assume(platform, spec.roleArn(), probe, session);
                return Check.fail(EXTERNAL_ID_ENFORCED, "the role can be assumed " + (probe == null ? "without an external ID"
                        : "with a wrong external ID") + ": its trust policy does not enforce sts:ExternalId", remediation);
            } catch (AwsServiceException e) {
                if (!"AccessDenied".equals(RoleSession.code(e))) {
                    return Check.warn(EXTERNAL_ID_ENFORCED, "could not confirm the external ID is enforced: "
                            + RoleSession.code(e), remediation);
                }
            } catch (SdkClientException e) {
                return Check.warn(EXTERNAL_ID_ENFORCED, timeoutOr(e, "sts:AssumeRole"), remediation);
            }
        }
        return Check.pass(EXTERNAL_ID_ENFORCED, "AssumeRole is refused without the external ID and with a wrong one");
    }

    private Check accountMatches(ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        try (StsClient sts = aws.sts(spec.region(), assumed)) {
            String actual = sts.getCallerIdentity().account();
            return account.equals(actual) ? Check.pass(ACCOUNT_MATCHES, "the assumed role is in account " + actual)
                    : Check.fail(ACCOUNT_MATCHES, "the role ARN names account " + account + " but the session is in "
                            + actual, "use the role ARN the Terraform module printed for this account");
        } catch (AwsServiceException e) {
            return Check.fail(ACCOUNT_MATCHES, "sts:GetCallerIdentity failed: " + RoleSession.code(e), null);
        } catch (SdkClientException e) {
            return Check.fail(ACCOUNT_MATCHES, timeoutOr(e, "sts:GetCallerIdentity"), null);
        }
    }

    private Check eksCluster(ClusterSpec spec, AwsCredentialsProvider assumed) {
        String name = spec.eksClusterName();
        try (EksClient eks = aws.eks(spec.region(), assumed)) {
            Cluster cluster = eks.describeCluster(r -> r.name(name)).cluster();
            String status = cluster.statusAsString();
            return switch (status) {
                case "ACTIVE" -> Check.pass(EKS_CLUSTER, "EKS cluster " + name + " in " + spec.region() + " is ACTIVE");
                case "CREATING", "UPDATING" -> Check.pass(EKS_CLUSTER, "EKS cluster " + name + " in " + spec.region() + " is "
                        + status + "; the cluster becomes running once it is ACTIVE");
                default -> Check.fail(EKS_CLUSTER, "EKS cluster " + name + " in " + spec.region() + " is " + status,
                        "fix or recreate the EKS cluster (terraform apply), then edit the cluster to re-validate");
            };
        } catch (ResourceNotFoundException e) {
            return Check.fail(EKS_CLUSTER, "no EKS cluster named " + name + " in " + spec.region(),
                    "check eks_cluster_name and region match the Terraform output");
        } catch (AwsServiceException e) {
            return Check.fail(EKS_CLUSTER, "eks:DescribeCluster on " + name + " in " + spec.region() + " failed: "
                    + RoleSession.code(e), "allow eks:DescribeCluster on the cluster in the role's policy");
        } catch (SdkClientException e) {
            return Check.fail(EKS_CLUSTER, timeoutOr(e, "eks:DescribeCluster"), null);
        }
    }

    private Check s3Bucket(UUID clusterId, ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        String bucket = spec.bucketName();
        try (S3Client s3 = aws.s3(spec.region(), assumed)) {
            try {
                s3.headBucket(r -> r.bucket(bucket).expectedBucketOwner(account));
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404) {
                    return Check.fail(S3_BUCKET, "no bucket named " + bucket, "check bucket_name matches the Terraform output");
                }
                return Check.fail(S3_BUCKET, "bucket " + bucket + " is not accessible as owned by account " + account
                        + " (HTTP " + e.statusCode() + ")", "use a bucket in the role's account and allow s3:* on it in the role's policy");
            }
            String location = s3.getBucketLocation(r -> r.bucket(bucket).expectedBucketOwner(account)).locationConstraintAsString();
            String region = location == null || location.isEmpty() ? "us-east-1" : "EU".equals(location) ? "eu-west-1" : location;
            if (!region.equals(spec.region())) {
                return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + region + ", the cluster in " + spec.region(),
                        "use a bucket in " + spec.region() + " (the Terraform module creates one beside the cluster)");
            }
            String probe = PREFIX + ".probe-" + clusterId;
            s3.putObject(r -> r.bucket(bucket).key(probe).expectedBucketOwner(account), RequestBody.fromString("byoc probe"));
            s3.deleteObject(r -> r.bucket(bucket).key(probe).expectedBucketOwner(account));
            return Check.pass(S3_BUCKET, "bucket " + bucket + " is in " + region + ", owned by " + account
                    + ", and the platform can write under " + PREFIX);
        } catch (AwsServiceException e) {
            return Check.fail(S3_BUCKET, "s3 call on " + bucket + " failed: " + RoleSession.code(e),
                    "allow s3:GetBucketLocation, s3:PutObject and s3:DeleteObject on the bucket in the role's policy");
        } catch (SdkClientException e) {
            return Check.fail(S3_BUCKET, timeoutOr(e, "s3"), null);
        }
    }

    private void skipRest(List<Check> checks, String reason) {
        for (String id : CheckIds.ORDER) {
            if (checks.stream().noneMatch(c -> c.id().equals(id))) {
                checks.add(Check.skipped(id, reason, "fix the failed check first"));
            }
        }
    }

    private String timeoutOr(SdkClientException e, String api) {
        if (e instanceof ApiCallTimeoutException || e.getCause() instanceof java.net.SocketTimeoutException
                || String.valueOf(e.getMessage()).contains("timed out")) {
            return "timed out after " + aws.callTimeout().toSeconds() + " s calling " + api;
        }
        return "could not call " + api + ": " + e.getMessage();
    }
}

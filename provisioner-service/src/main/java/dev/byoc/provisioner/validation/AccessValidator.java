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
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.ExternalIdIssuer;
import dev.byoc.provisioner.aws.PlatformIdentity;
import dev.byoc.provisioner.aws.RoleSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Runs the checks of DESIGN §6 against the customer's account and returns the full report, in
 * order. A check that cannot run because an earlier one failed is {@code skipped} with that reason.
 * Every AWS call has the deadline of {@link AwsClients}; nothing here waits longer than the
 * assume-role retry window plus one deadline per call.
 *
 * <p>The tenant boundary (DESIGN §1): the role is assumed only with the external ID issued to the
 * cluster's owner (never one from the event), never when it is in the platform's own AWS account,
 * and the assumed session is not used at all when the trust policy turns out to be open to any
 * caller ({@code external-id-enforced} fails): the checks that act in the account are skipped.
 */
@ApplicationScoped
public class AccessValidator {
    private static final Logger LOG = Logger.getLogger(AccessValidator.class);

    /** The platform prefix: the only place in the bucket the platform writes (each cluster under its own {@link #prefix}). */
    public static final String PREFIX = "byoc/";

    static final String EXTERNAL_ID_CONDITION = "{\"StringEquals\": {\"sts:ExternalId\": \"<your issued external ID>\"}}";

    /** Why the checks that act in the account do not run when the trust policy does not require the external ID. */
    public static final String OPEN_TRUST = "the trust policy is open to any caller; the platform does not act in this "
            + "account until it requires the external ID";

    static final String INTERNAL_ERROR = "internal error while checking";

    /** Everything the platform writes for one cluster lives under {@code byoc/<clusterId>/}: teardown deletes only that. */
    public static String prefix(UUID clusterId) {
        return PREFIX + clusterId + "/";
    }

    /** Where to get the issued ID and the trust policy; said wherever the user has to put it in a trust policy. */
    static final String PREREQUISITES = "`byoc clusters prerequisites` prints your issued external ID and the exact trust policy";

    /** The remediation of an open trust policy, for validation and teardown alike. */
    public static String openTrustRemediation(String roleArn) {
        return "add the condition " + EXTERNAL_ID_CONDITION + " to the trust policy of " + roleArn
                + " (the Terraform module does this; " + PREREQUISITES + "); then edit the cluster to re-validate";
    }

    /** The checks, and whether a quotas {@code warn} is only about the legacy quota (strict mode does not promote it). */
    public record Report(List<Check> checks, boolean quotaWarnIsLegacyOnly) {
        /** The checks that make the validation fail: every {@code fail}, and with {@code strict} every {@code warn}. */
        public List<Check> blocking(boolean strict) {
            return checks.stream().filter(c -> c.status() == Check.Status.fail || strict && c.status() == Check.Status.warn
                    && !(QUOTAS.equals(c.id()) && quotaWarnIsLegacyOnly)).toList();
        }
    }

    private final AwsClients aws;
    private final Duration assumeRoleWindow;
    private final QuotaCheck quotaCheck;
    private final ExternalIdIssuer externalIds;
    private final PlatformIdentity platformIdentity;

    AccessValidator(AwsClients aws, QuotaCheck quotaCheck, ExternalIdIssuer externalIds, PlatformIdentity platformIdentity,
            @ConfigProperty(name = "byoc.aws.assume-role-retry-window") Duration assumeRoleWindow) {
        this.aws = aws;
        this.quotaCheck = quotaCheck;
        this.externalIds = externalIds;
        this.platformIdentity = platformIdentity;
        this.assumeRoleWindow = assumeRoleWindow;
    }

    /** @param owner the cluster's owner (from the event): the role is assumed with the external ID issued to them */
    public Report validate(UUID clusterId, String owner, ClusterSpec spec) throws InterruptedException {
        List<Check> checks = new ArrayList<>();
        String session = "byoc-" + clusterId;
        String account = SpecRules.accountOf(spec.roleArn());
        String externalId = externalIds.issuedTo(owner);
        String masked = ExternalIds.mask(externalId);
        Credentials credentials = null;
        try (StsClient platform = aws.platformSts(spec.region())) {
            Optional<Check> refused = platformAccount(platform, spec);
            if (refused.isPresent()) {
                checks.add(refused.get());
                skipRest(checks, "not checked: the platform did not assume the role", "fix assume-role first");
                return new Report(checks, false);
            }
            AtomicInteger attempts = new AtomicInteger();
            Instant started = Instant.now();
            try {
                credentials = RoleSession.assumeWithRetry(platform, spec.roleArn(), externalId, session,
                        assumeRoleWindow, attempts);
                checks.add(Check.pass(ASSUME_ROLE, "assumed " + spec.roleArn() + " with external ID " + masked
                        + " (the one issued to " + owner + ")"
                        + (attempts.get() > 1 ? " after " + attempts.get() + " attempts in " + seconds(started)
                                + " s (IAM was still propagating the role or its trust policy)" : "")));
            } catch (AwsServiceException e) {
                checks.add(assumeRoleFailed(platform, spec, masked, e, attempts.get(), started));
            } catch (SdkClientException e) {
                interruptedCheck(e);
                checks.add(Check.fail(ASSUME_ROLE, aws.clientFailure(e, "sts:AssumeRole") + " on " + spec.roleArn(),
                        "this is on the platform side or the network: check that STS in " + spec.region()
                                + " is reachable, then edit the cluster to re-validate"));
            }
            if (credentials == null) {
                skipRest(checks, "not checked: assume-role failed, so the platform has no access to the account",
                        "fix assume-role first");
                return new Report(checks, false);
            }
            Check enforced = guard(EXTERNAL_ID_ENFORCED, () -> externalIdEnforced(platform, spec, session));
            checks.add(enforced);
            if (enforced.status() == Check.Status.fail) {
                // the confused-deputy stop: the assumed session is dropped unused, nothing is read or written there
                skipRest(checks, enforced.message().startsWith(INTERNAL_ERROR)
                        ? "not checked: external-id-enforced could not be checked, so the platform does not act in this account"
                        : OPEN_TRUST, openTrustRemediation(spec.roleArn()));
                return new Report(checks, false);
            }
        }
        AwsCredentialsProvider assumed = RoleSession.credentials(credentials);
        checks.add(guard(ACCOUNT_MATCHES, () -> accountMatches(spec, account, assumed)));
        checks.add(guard(EKS_CLUSTER, () -> eksCluster(spec, account, assumed)));
        checks.add(guard(S3_BUCKET, () -> s3Bucket(clusterId, spec, account, assumed)));
        QuotaCheck.Result quotas;
        try (ServiceQuotasClient client = aws.quotas(spec.region(), assumed)) {
            quotas = quotaCheck.check(client, spec);
        } catch (RuntimeException e) {
            rethrowInterrupted(e);
            LOG.errorf(e, "quotas check of cluster %s failed unexpectedly", clusterId);
            quotas = new QuotaCheck.Result(Check.skipped(QUOTAS, "internal error while reading quotas: " + e, null), false);
        }
        checks.add(quotas.check());
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("validation of " + clusterId + " interrupted");
        }
        return new Report(checks, quotas.legacyOnly());
    }

    /**
     * The role must not be in the platform's own AWS account (DESIGN §5): it is refused before any
     * AssumeRole. When the platform's own account cannot be learnt, nothing is assumed either.
     */
    private Optional<Check> platformAccount(StsClient platform, ClusterSpec spec) {
        String unknown = "could not make sure " + spec.roleArn() + " is outside the platform's own AWS account, so it was "
                + "not assumed: sts:GetCallerIdentity with the platform's credentials failed: ";
        String remediation = "this is a platform problem, not a problem with your role: contact the platform operators; "
                + "edit the cluster to re-validate once they fixed it";
        try {
            return platformIdentity.refusal(platform, spec.roleArn()).map(refusal -> Check.fail(ASSUME_ROLE,
                    refusal + " (the platform never assumes a role in its own account: it would act there with "
                            + "the platform's own privileges; the role was not assumed)",
                    "register the role the Terraform module created in your own AWS account, then edit the cluster to re-validate"));
        } catch (AwsServiceException e) {
            return Optional.of(Check.fail(ASSUME_ROLE, unknown + RoleSession.describe(e), remediation));
        } catch (SdkClientException e) {
            interruptedCheck(e);
            return Optional.of(Check.fail(ASSUME_ROLE, unknown + aws.clientFailure(e, "sts:GetCallerIdentity"), remediation));
        }
    }

    private Check assumeRoleFailed(StsClient platform, ClusterSpec spec, String masked, AwsServiceException e, int attempts,
            Instant started) {
        String code = RoleSession.code(e);
        String tried = attempts > 1 ? " (" + attempts + " attempts over " + seconds(started) + " s)" : "";
        String message = "cannot assume " + spec.roleArn() + " with external ID " + masked + tried + ": "
                + RoleSession.describe(e);
        return switch (code) {
            case "AccessDenied" -> Check.fail(ASSUME_ROLE, message, "make the trust policy of " + spec.roleArn()
                    + " allow sts:AssumeRole for the platform principal " + platformIdentity.principal(platform)
                    + " with the condition " + EXTERNAL_ID_CONDITION + " (yours ends " + masked + "; " + PREREQUISITES
                    + "); check that role_arn is exactly what the Terraform module printed; then edit the cluster to re-validate");
            case "RegionDisabledException" -> Check.fail(ASSUME_ROLE, message, "activate STS in " + spec.region()
                    + " for your account (IAM console → Account settings → Security Token Service (STS) endpoints)");
            case "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "UnrecognizedClientException" ->
                    Check.fail(ASSUME_ROLE, "the platform's own AWS credentials were refused by STS (" + code
                            + "): this is a platform problem, not a problem with your role",
                            "contact the platform operators; edit the cluster to re-validate once they fixed it");
            default -> Check.fail(ASSUME_ROLE, message, "check role_arn matches the Terraform output and the trust policy "
                    + "requires your issued external ID (" + PREREQUISITES + "), then edit the cluster to re-validate");
        };
    }

    /** The confused-deputy test: without the external ID, or with a wrong one, AssumeRole must fail. */
    private Check externalIdEnforced(StsClient platform, ClusterSpec spec, String session) {
        String remediation = openTrustRemediation(spec.roleArn());
        try {
            RoleSession.TrustProbe probe = RoleSession.probeTrust(platform, spec.roleArn(), session);
            return switch (probe.trust()) {
                case ENFORCED -> Check.pass(EXTERNAL_ID_ENFORCED, probe.finding());
                case OPEN -> Check.fail(EXTERNAL_ID_ENFORCED, probe.finding() + ": its trust policy does not enforce "
                        + "sts:ExternalId, so anyone who learns the role ARN can ask the platform to act on your account "
                        + "(the confused deputy problem)", remediation);
                case UNCONFIRMED -> Check.warn(EXTERNAL_ID_ENFORCED, "could not confirm the external ID is enforced: "
                        + probe.finding(), remediation);
            };
        } catch (SdkClientException e) {
            interruptedCheck(e);
            return Check.warn(EXTERNAL_ID_ENFORCED, "could not confirm the external ID is enforced: "
                    + aws.clientFailure(e, "sts:AssumeRole"), "edit the cluster to re-validate");
        }
    }

    private Check accountMatches(ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        try (StsClient sts = aws.sts(spec.region(), assumed)) {
            String actual = sts.getCallerIdentity().account();
            return account.equals(actual) ? Check.pass(ACCOUNT_MATCHES, "the assumed role is in account " + actual)
                    : Check.fail(ACCOUNT_MATCHES, "the role ARN names account " + account + " but the session is in account "
                            + actual, "use the role ARN the Terraform module printed for this account");
        } catch (AwsServiceException e) {
            return Check.fail(ACCOUNT_MATCHES, "sts:GetCallerIdentity with the assumed role failed: " + RoleSession.describe(e),
                    "edit the cluster to re-validate; contact the platform operators if this persists");
        } catch (SdkClientException e) {
            interruptedCheck(e);
            return Check.fail(ACCOUNT_MATCHES, aws.clientFailure(e, "sts:GetCallerIdentity"), "edit the cluster to re-validate");
        }
    }

    private Check eksCluster(ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        String name = spec.eksClusterName();
        String where = "EKS cluster " + name + " in " + spec.region();
        try (EksClient eks = aws.eks(spec.region(), assumed)) {
            Cluster cluster = eks.describeCluster(r -> r.name(name)).cluster();
            String status = Optional.ofNullable(cluster.statusAsString()).orElse("in an unknown state");
            return switch (status) {
                case "ACTIVE" -> Check.pass(EKS_CLUSTER, where + " is ACTIVE");
                case "CREATING", "UPDATING" -> Check.pass(EKS_CLUSTER, where + " is " + status
                        + "; the cluster becomes running once EKS reports it ACTIVE");
                default -> Check.fail(EKS_CLUSTER, where + " is " + status,
                        "FAILED".equals(status) ? "look at the cluster's health issues in the EKS console, fix or recreate it "
                                + "(terraform apply), then edit the cluster to re-validate"
                                : "wait for EKS to finish, or recreate the cluster (terraform apply), then edit the cluster to re-validate");
            };
        } catch (ResourceNotFoundException e) {
            return Check.fail(EKS_CLUSTER, "no " + where + " (eks:DescribeCluster answered ResourceNotFoundException)",
                    "check eks_cluster_name (it defaults to the cluster's name) and region match the Terraform output");
        } catch (AwsServiceException e) {
            return Check.fail(EKS_CLUSTER, "eks:DescribeCluster on " + where + " failed: " + RoleSession.describe(e),
                    "allow eks:DescribeCluster on arn:aws:eks:" + spec.region() + ":" + account + ":cluster/" + name
                            + " in the role's policy");
        } catch (SdkClientException e) {
            interruptedCheck(e);
            return Check.fail(EKS_CLUSTER, aws.clientFailure(e, "eks:DescribeCluster") + " on " + where,
                    "edit the cluster to re-validate; contact the platform operators if this persists");
        }
    }

    private Check s3Bucket(UUID clusterId, ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        String bucket = spec.bucketName();
        String wrongRegion = "use a bucket in " + spec.region() + " (the Terraform module creates one beside the cluster)";
        String api = "s3:HeadBucket";
        try (S3Client s3 = aws.s3(spec.region(), assumed)) {
            HeadBucketResponse head;
            try {
                head = s3.headBucket(r -> r.bucket(bucket).expectedBucketOwner(account));
            } catch (AwsServiceException e) {
                Optional<String> region = Optional.ofNullable(e.awsErrorDetails()).map(d -> d.sdkHttpResponse())
                        .flatMap(r -> r.firstMatchingHeader("x-amz-bucket-region"));
                if (e.statusCode() == 301 || region.isPresent() && !region.get().equals(spec.region())) {
                    return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + region.orElse("another region") + ", the cluster in "
                            + spec.region() + " (s3:HeadBucket answered " + e.statusCode() + ")", wrongRegion);
                }
                if (e.statusCode() == 404) {
                    return Check.fail(S3_BUCKET, "no bucket named " + bucket + " (s3:HeadBucket answered 404)",
                            "check bucket_name matches the Terraform output");
                }
                if (e.statusCode() == 403) {
                    return Check.fail(S3_BUCKET, "bucket " + bucket + " refused s3:HeadBucket with ExpectedBucketOwner " + account
                            + " (HTTP 403): it belongs to another account, or the role may not list it",
                            "use a bucket owned by account " + account + " (the role's account) and allow s3:ListBucket on "
                                    + "arn:aws:s3:::" + bucket + " in the role's policy");
                }
                throw e;
            }
            if (head.bucketRegion() != null && !head.bucketRegion().equals(spec.region())) {
                return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + head.bucketRegion() + ", the cluster in "
                        + spec.region(), wrongRegion);
            }
            api = "s3:GetBucketLocation";
            String location = s3.getBucketLocation(r -> r.bucket(bucket).expectedBucketOwner(account)).locationConstraintAsString();
            String region = location == null || location.isEmpty() || "null".equals(location) ? "us-east-1"
                    : "EU".equals(location) ? "eu-west-1" : location;
            if (!region.equals(spec.region())) {
                return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + region + ", the cluster in " + spec.region(),
                        wrongRegion);
            }
            String probe = prefix(clusterId) + ".probe";
            api = "s3:PutObject on s3://" + bucket + "/" + probe;
            s3.putObject(r -> r.bucket(bucket).key(probe).expectedBucketOwner(account), RequestBody.fromString("byoc probe"));
            api = "s3:DeleteObject on s3://" + bucket + "/" + probe;
            s3.deleteObject(r -> r.bucket(bucket).key(probe).expectedBucketOwner(account));
            return Check.pass(S3_BUCKET, "bucket " + bucket + " is in " + region + ", owned by " + account
                    + ", and the platform can write and delete under " + prefix(clusterId));
        } catch (AwsServiceException e) {
            return Check.fail(S3_BUCKET, api + " failed: " + RoleSession.describe(e),
                    "allow s3:ListBucket, s3:GetBucketLocation on arn:aws:s3:::" + bucket + " and s3:PutObject, s3:DeleteObject "
                            + "on arn:aws:s3:::" + bucket + "/" + PREFIX + "* in the role's policy");
        } catch (SdkClientException e) {
            interruptedCheck(e);
            return Check.fail(S3_BUCKET, aws.clientFailure(e, api) + " (bucket " + bucket + ")",
                    "edit the cluster to re-validate; contact the platform operators if this persists");
        }
    }

    /** A check never throws: an unexpected error becomes a {@code fail} naming it, so the report stays complete. */
    private Check guard(String id, Supplier<Check> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            rethrowInterrupted(e);
            LOG.errorf(e, "check %s failed unexpectedly", id);
            return Check.fail(id, INTERNAL_ERROR + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    "edit the cluster to re-validate; contact the platform operators if this persists");
        }
    }

    /** An SDK call aborted because this thread was interrupted (shutdown) is not a finding about the account. */
    private static void interruptedCheck(RuntimeException e) {
        if (e instanceof AbortedException && Thread.currentThread().isInterrupted()) {
            throw new ValidationInterrupted(e);
        }
    }

    private static void rethrowInterrupted(RuntimeException e) {
        if (e instanceof ValidationInterrupted) {
            throw e;
        }
        interruptedCheck(e);
    }

    private void skipRest(List<Check> checks, String reason, String remediation) {
        for (String id : CheckIds.ORDER) {
            if (checks.stream().noneMatch(c -> c.id().equals(id))) {
                checks.add(Check.skipped(id, reason, remediation));
            }
        }
    }

    private static long seconds(Instant since) {
        return Math.max(0, Duration.between(since, Instant.now()).toSeconds());
    }

    /** Shutdown interrupted the validation: no report is published, the record is redelivered. */
    public static class ValidationInterrupted extends RuntimeException {
        ValidationInterrupted(Throwable cause) {
            super("validation interrupted", cause);
        }
    }
}
